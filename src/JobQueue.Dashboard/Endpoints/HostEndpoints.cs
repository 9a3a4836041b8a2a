using JobQueue.Dashboard.Capacity;
using JobQueue.Dashboard.Rendering;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace JobQueue.Dashboard.Endpoints;

/// <summary>Hosts: heartbeats, running jobs per queue, and how many workers each queue needs.</summary>
internal static class HostEndpoints
{
    public static void Map(RouteGroupBuilder group, DashboardSettings settings)
        => group.MapGet("/hosts", async (HttpContext context) =>
        {
            var request = DashboardRequest.For(context, settings);
            IReadOnlyList<HostInfo> hosts = await request.Admin.GetHostsAsync(request.Aborted).ConfigureAwait(false);
            IReadOnlyList<WorkerEstimate> estimates = await WorkerEstimate.ReadAsync(request.Admin, request.Time.GetUtcNow(), request.Aborted).ConfigureAwait(false);
            return Layout.Page(request, "hosts", "Hosts", Render(request, hosts, estimates));
        });

    private static Markup Render(DashboardRequest request, IReadOnlyList<HostInfo> hosts, IReadOnlyList<WorkerEstimate> estimates)
    {
        var html = new HtmlBuilder();
        DateTimeOffset now = request.Time.GetUtcNow();
        if (hosts.Count == 0)
        {
            html.Add($"<p class=\"muted\">No worker host has written a heartbeat.</p>");
        }
        else
        {
            html.Add($"<table><thead><tr><th>Host</th><th>Status</th><th>Last heartbeat</th><th>Started</th><th>Version</th><th>Running</th><th>Queues (running / concurrency)</th></tr></thead><tbody>");
            foreach (HostInfo host in hosts)
            {
                html.Add($"<tr><td>{host.MachineName} <span class=\"muted\">pid {host.ProcessId}</span><br><span class=\"muted mono\">{host.Id}</span></td>");
                html.Add($"<td>{host.Status}</td><td>{Format.Duration(now - host.LastSeen)} ago</td><td>{Format.Time(host.StartedAt)}</td><td>{host.Version}</td><td>{host.Running}</td><td><ul class=\"plain\">");
                foreach (HostQueueInfo queue in host.Queues)
                {
                    html.Add($"<li>{queue.Name}: {queue.Running} / {queue.Concurrency}{(queue.Paused ? " (paused)" : "")}</li>");
                }

                html.Add($"</ul></td></tr>");
            }

            html.Add($"</tbody></table>");
        }

        html.Add($"<h2>Workers needed</h2><p class=\"muted\">By Little's law: busy workers = attempts per second (last 15 minutes, plus clearing the jobs waiting within 15 minutes) × mean run time of recent succeeded jobs, aiming at workers busy 80 % of the time.</p><ul class=\"estimates\">");
        foreach (WorkerEstimate estimate in estimates)
        {
            html.Add($"<li>{estimate.Summary}</li>");
        }

        html.Add($"</ul>");
        return html.ToMarkup();
    }
}
