using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;

namespace JobQueue.Dashboard.Security;

/// <summary>
/// Runs before every dashboard endpoint: sets the security headers, and serves only local requests unless the
/// endpoints carry an authorization policy (then ASP.NET Core's authorization middleware has already checked it).
/// </summary>
internal sealed class DashboardAccessFilter : IEndpointFilter
{
    internal const string RemoteRefused =
        "The JobQueue dashboard serves only local requests until it has an authorization policy. " +
        "To allow remote users, require one where it is mapped, for example: " +
        "app.MapJobQueueDashboard(\"/jobs\").RequireAuthorization(\"ops\"). " +
        "A request forwarded by a proxy (X-Forwarded-For, Forwarded or X-Forwarded-Host) is not local.";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        HttpContext context = invocation.HttpContext;
        SecurityHeaders.Apply(context.Response);
        if (!HasAuthorizationPolicy(context) && !LocalRequests.IsLocal(context))
        {
            return Results.Text(RemoteRefused, "text/plain; charset=utf-8", statusCode: StatusCodes.Status403Forbidden);
        }

        return await next(invocation).ConfigureAwait(false);
    }

    // AllowAnonymous cancels a policy for the authorization middleware, so it counts as none here too.
    private static bool HasAuthorizationPolicy(HttpContext context)
        => context.GetEndpoint()?.Metadata is { } metadata
           && metadata.GetMetadata<IAllowAnonymous>() is null
           && (metadata.GetMetadata<IAuthorizeData>() is not null || metadata.GetMetadata<AuthorizationPolicy>() is not null);
}
