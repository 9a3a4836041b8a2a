using Microsoft.AspNetCore.Http;

namespace JobQueue.Dashboard.Security;

/// <summary>The headers every dashboard response carries: a strict content security policy and its companions.</summary>
internal static class SecurityHeaders
{
    // Scripts, styles, images and fetches only from the dashboard itself; no inline script or style, no plugins,
    // no framing (clickjacking of the action buttons), forms post only back to the dashboard.
    internal const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    public static void Apply(HttpResponse response)
    {
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.XFrameOptions = "DENY";
        response.Headers["Referrer-Policy"] = "no-referrer";
    }
}
