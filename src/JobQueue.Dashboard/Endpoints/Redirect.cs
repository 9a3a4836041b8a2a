using Microsoft.AspNetCore.Http;

namespace JobQueue.Dashboard.Endpoints;

/// <summary>Where an action sends the browser afterwards: a page of the dashboard, by a relative URL (303, so it is fetched with GET).</summary>
internal static class Redirect
{
    public static IResult To(DashboardRequest request, string page)
    {
        request.Context.Response.Headers.Location = request.Root + page;
        return Results.StatusCode(StatusCodes.Status303SeeOther);
    }
}
