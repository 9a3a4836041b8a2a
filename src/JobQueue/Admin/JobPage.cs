namespace JobQueue;

/// <summary>One page of jobs listed by <see cref="IJobAdmin.QueryJobsAsync"/>, newest enqueued first.</summary>
public sealed class JobPage
{
    /// <summary>The most matches <see cref="Total"/> counts: 10,000. Counting further would read every match.</summary>
    public const int TotalCountLimit = 10_000;

    /// <summary>The jobs of this page, newest enqueued first, at most <see cref="JobFilter.PageSize"/>.</summary>
    public required IReadOnlyList<JobInfo> Jobs { get; init; }

    /// <summary>
    /// Pass as <see cref="JobFilter.Continuation"/> (with the same filters) for the next, older page; null when no
    /// further job matches. Opaque text, valid for the store that made it, and it does not expire.
    /// </summary>
    public string? Continuation { get; init; }

    /// <summary>
    /// How many jobs match the filters, on all pages. Counting stops at <see cref="TotalCountLimit"/>
    /// (10,000): when more jobs match, this is that limit and <see cref="TotalIsExact"/> is false.
    /// </summary>
    public required long Total { get; init; }

    /// <summary>True when <see cref="Total"/> is exact; false when at least that many jobs match (show it as "10,000+").</summary>
    public required bool TotalIsExact { get; init; }
}
