namespace JobQueue.Dashboard;

/// <summary>
/// How <c>MapJobQueueDashboard</c> serves the dashboard. Every value is
/// checked when the dashboard is mapped; the server also caps what a request asks for (page sizes, poll intervals,
/// bulk operations) at these values, whatever the query string says.
/// </summary>
public sealed class DashboardOptions
{
    /// <summary>The most jobs a page may list: 500.</summary>
    public const int MaxPageSizeLimit = 500;

    /// <summary>The most jobs one bulk operation may touch: 10,000.</summary>
    public const int MaxBulkJobsLimit = 10_000;

    /// <summary>The title shown in the page header and the browser tab.</summary>
    /// <value>Defaults to "JobQueue". Must not be empty.</value>
    public string Title { get; set; } = "JobQueue";

    /// <summary>
    /// When true, the dashboard shows everything but offers no action: no retry, cancel, delete, pause, resume or
    /// trigger button is rendered, and every action endpoint answers 403.
    /// </summary>
    /// <value>Defaults to false.</value>
    public bool ReadOnly { get; set; }

    /// <summary>How many jobs the job list shows per page unless the request asks for fewer.</summary>
    /// <value>Defaults to 50; from 1 to <see cref="MaxPageSize"/>.</value>
    public int PageSize { get; set; } = 50;

    /// <summary>The most jobs a request may ask for on one page (<c>?size=</c>); larger requests are cut to it.</summary>
    /// <value>Defaults to 200; from 1 to <see cref="MaxPageSizeLimit"/> (500).</value>
    public int MaxPageSize { get; set; } = 200;

    /// <summary>
    /// The most jobs one bulk operation (retry, cancel or delete everything matching a filter) touches; the preview
    /// says so when more match.
    /// </summary>
    /// <value>Defaults to 1,000; from 1 to <see cref="MaxBulkJobsLimit"/> (10,000).</value>
    public int MaxBulkJobs { get; set; } = 1000;

    /// <summary>
    /// How often live pages (the overview) receive fresh numbers, by server-sent events or, where those fail, by polling.
    /// A request may ask for a longer interval (<c>?interval=</c> in seconds), never a shorter one, and never longer
    /// than 60 seconds.
    /// </summary>
    /// <value>Defaults to 5 seconds; from 1 to 60 seconds.</value>
    public TimeSpan LiveUpdateInterval { get; set; } = TimeSpan.FromSeconds(5);

    internal static readonly TimeSpan MaxLiveUpdateInterval = TimeSpan.FromSeconds(60);

    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(Title))
        {
            throw new ArgumentException("DashboardOptions.Title must not be empty.", nameof(Title));
        }

        if (MaxPageSize is < 1 or > MaxPageSizeLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxPageSize), MaxPageSize,
                $"DashboardOptions.MaxPageSize must be from 1 to {MaxPageSizeLimit}.");
        }

        if (PageSize < 1 || PageSize > MaxPageSize)
        {
            throw new ArgumentOutOfRangeException(nameof(PageSize), PageSize,
                $"DashboardOptions.PageSize must be from 1 to MaxPageSize ({MaxPageSize}).");
        }

        if (MaxBulkJobs is < 1 or > MaxBulkJobsLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxBulkJobs), MaxBulkJobs,
                $"DashboardOptions.MaxBulkJobs must be from 1 to {MaxBulkJobsLimit}.");
        }

        if (LiveUpdateInterval < TimeSpan.FromSeconds(1) || LiveUpdateInterval > MaxLiveUpdateInterval)
        {
            throw new ArgumentOutOfRangeException(nameof(LiveUpdateInterval), LiveUpdateInterval,
                "DashboardOptions.LiveUpdateInterval must be from 1 to 60 seconds.");
        }
    }
}
