using JobQueue;
using JobQueue.Dashboard;
using JobQueue.Dashboard.Endpoints;
using JobQueue.Dashboard.Security;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

// The namespace of IEndpointRouteBuilder's other Map* extensions, so app.MapJobQueueDashboard needs no using.
namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the JobQueue dashboard into an ASP.NET Core app.</summary>
public static class DashboardEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the dashboard's pages, actions, JSON API (under <c>{prefix}/api</c>) and assets under
    /// <paramref name="prefix"/>. Without an authorization policy only local requests are served (loopback, and not
    /// forwarded by a proxy); add one to the returned builder, <c>.RequireAuthorization("ops")</c>, to serve the users
    /// it allows. Every action is a POST checked by ASP.NET Core antiforgery.
    /// </summary>
    /// <param name="endpoints">The app (or another route builder).</param>
    /// <param name="prefix">Where the dashboard lives, such as "/jobs": a literal path, no route parameters.</param>
    /// <param name="configure">Sets <see cref="DashboardOptions"/>; optional.</param>
    /// <returns>The builder of every dashboard endpoint, for authorization and other conventions.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="endpoints"/> or <paramref name="prefix"/> is null.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="prefix"/> does not start with '/', ends with '/', or holds a route parameter; or an option is out of range.
    /// </exception>
    /// <exception cref="InvalidOperationException">
    /// JobQueue (<c>AddJobQueue</c>) or antiforgery (<c>AddAntiforgery</c>) is not registered in the app's services.
    /// </exception>
    public static IEndpointConventionBuilder MapJobQueueDashboard(this IEndpointRouteBuilder endpoints, string prefix = "/jobs",
        Action<DashboardOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(prefix);
        if (!prefix.StartsWith('/') || (prefix.Length > 1 && prefix.EndsWith('/')) || prefix.Length == 1
            || prefix.Contains('{', StringComparison.Ordinal) || prefix.Contains('?', StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"The dashboard prefix '{prefix}' must be a literal path that starts with '/' and does not end with it, such as \"/jobs\".",
                nameof(prefix));
        }

        var options = new DashboardOptions();
        configure?.Invoke(options);
        options.Validate();

        if (endpoints.ServiceProvider.GetService<IJobAdmin>() is null)
        {
            throw new InvalidOperationException(
                "The JobQueue dashboard needs JobQueue in the app's services: call builder.Services.AddJobQueue(...) before mapping it.");
        }

        if (endpoints.ServiceProvider.GetService<IAntiforgery>() is null)
        {
            throw new InvalidOperationException(
                "The JobQueue dashboard checks every action with ASP.NET Core antiforgery: call builder.Services.AddAntiforgery() before mapping it.");
        }

        var settings = new DashboardSettings(options, prefix);
        RouteGroupBuilder group = endpoints.MapGroup(prefix);
        group.AddEndpointFilter(new DashboardAccessFilter());
        group.ExcludeFromDescription();

        RouteGroupBuilder actions = group.MapGroup("");
        actions.AddEndpointFilter(new ActionGuard(options));

        AssetEndpoints.Map(group);
        OverviewEndpoints.Map(group, settings);
        QueueEndpoints.Map(group, actions, settings);
        JobEndpoints.Map(group, actions, settings);
        BatchEndpoints.Map(group, settings);
        RecurringEndpoints.Map(group, actions, settings);
        HostEndpoints.Map(group, settings);
        ApiEndpoints.Map(group.MapGroup("/api"), settings);
        return group;
    }
}
