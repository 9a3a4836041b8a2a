namespace JobQueue.Storage;

/// <summary>One page of <see cref="IJobStorage.QueryJobsAsync"/>.</summary>
public sealed record StoredJobPage
{
    /// <summary>The jobs of the page, newest enqueued first; at most <see cref="JobQuery.Limit"/>.</summary>
    public required IReadOnlyList<StoredJob> Jobs { get; init; }

    /// <summary>
    /// The position after the last job of this page, for <see cref="JobQuery.After"/>; null when no further job
    /// matches. Opaque: only the store that made it reads it.
    /// </summary>
    public string? Next { get; init; }

    /// <summary>
    /// How many jobs match the filters, on all pages (the position of <see cref="JobQuery.After"/> does not matter),
    /// counted up to <see cref="JobQuery.CountLimit"/>: when more match, this is <see cref="JobQuery.CountLimit"/> and
    /// <see cref="TotalIsExact"/> is false. Zero when <see cref="JobQuery.CountLimit"/> is zero.
    /// </summary>
    public required long Total { get; init; }

    /// <summary>True when <see cref="Total"/> is the exact number of matches; false when it is a lower bound.</summary>
    public required bool TotalIsExact { get; init; }
}
