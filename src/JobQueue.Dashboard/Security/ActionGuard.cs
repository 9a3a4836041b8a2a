using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace JobQueue.Dashboard.Security;

/// <summary>What every action (a POST that changes something) passes first: not read-only, and a valid antiforgery token.</summary>
internal sealed class ActionGuard(DashboardOptions options) : IEndpointFilter
{
    internal const string ReadOnlyRefused = "The JobQueue dashboard is read-only (DashboardOptions.ReadOnly): it takes no action.";

    internal const string TokenRefused =
        "The form's antiforgery token is missing or invalid: reload the dashboard page and submit the form again.";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        if (options.ReadOnly)
        {
            return Results.Text(ReadOnlyRefused, "text/plain; charset=utf-8", statusCode: StatusCodes.Status403Forbidden);
        }

        HttpContext context = invocation.HttpContext;
        IAntiforgery antiforgery = context.RequestServices.GetRequiredService<IAntiforgery>();
        if (!await antiforgery.IsRequestValidAsync(context).ConfigureAwait(false))
        {
            return Results.Text(TokenRefused, "text/plain; charset=utf-8", statusCode: StatusCodes.Status400BadRequest);
        }

        return await next(invocation).ConfigureAwait(false);
    }
}
