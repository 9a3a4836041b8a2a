using System.Net;
using Microsoft.AspNetCore.Http;

namespace JobQueue.Dashboard.Security;

/// <summary>Whether a request comes from this machine and not through a proxy on it.</summary>
internal static class LocalRequests
{
    // A reverse proxy on the same host connects from loopback for every client it forwards: any of these headers means
    // the connection's address is the proxy's, not the client's, so the request is not local.
    private static readonly string[] s_forwardingHeaders = ["X-Forwarded-For", "Forwarded", "X-Forwarded-Host", "X-Original-For"];

    public static bool IsLocal(HttpContext context)
    {
        IPAddress? remote = context.Connection.RemoteIpAddress;
        if (remote is null || !IPAddress.IsLoopback(remote))
        {
            return false;
        }

        foreach (string header in s_forwardingHeaders)
        {
            if (context.Request.Headers.ContainsKey(header))
            {
                return false;
            }
        }

        return true;
    }
}
