using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace JobQueue.Dashboard.Endpoints;

/// <summary>What a page needs to know about the request it answers: the way back to the dashboard's root, the options.</summary>
internal sealed class DashboardRequest
{
    private DashboardRequest(HttpContext context, DashboardSettings settings, string root)
    {
        Context = context;
        Settings = settings;
        Root = root;
    }

    public HttpContext Context { get; }

    public DashboardSettings Settings { get; }

    public DashboardOptions Options => Settings.Options;

    /// <summary>
    /// The dashboard's root relative to the current page ("./" or "../"), so that every URL the dashboard emits is
    /// relative and keeps working under UsePathBase or a proxy that adds a prefix the app never sees.
    /// </summary>
    public string Root { get; }

    public IJobAdmin Admin => Context.RequestServices.GetRequiredService<IJobAdmin>();

    public IJobClient Client => Context.RequestServices.GetRequiredService<IJobClient>();

    public IRecurringJobs Recurring => Context.RequestServices.GetRequiredService<IRecurringJobs>();

    public TimeProvider Time => Context.RequestServices.GetService<TimeProvider>() ?? TimeProvider.System;

    public CancellationToken Aborted => Context.RequestAborted;

    public static DashboardRequest For(HttpContext context, DashboardSettings settings)
        => new(context, settings, RootFor(context.Request.Path.Value ?? "", settings.Prefix));

    /// <summary>"./" for pages one level below the prefix (/jobs/, /jobs/queues), one "../" per level deeper.</summary>
    internal static string RootFor(string path, string prefix)
    {
        string rest = path.Length >= prefix.Length ? path[prefix.Length..] : "/";
        int depth = rest.Count(c => c == '/') - 1;
        return depth <= 0 ? "./" : string.Concat(Enumerable.Repeat("../", depth));
    }

    public AntiforgeryTokenSet Antiforgery()
        => Context.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(Context);
}
