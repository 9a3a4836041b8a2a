namespace JobQueue.Storage;

/// <summary>
/// What <see cref="IJobStorage.QueryJobsAsync"/> lists: the jobs that match every filter that is set (a null filter
/// matches all), newest enqueued first, one page at a time.
/// </summary>
/// <remarks>
/// <para>Pages follow the enqueue order, a position that never changes for a job: a page continues strictly below the
/// position <see cref="After"/> names (keyset paging), so jobs enqueued while a caller pages through never shift a
/// later page, and no job is listed twice. A job that changes state between two pages may leave or enter the
/// filter's range; it is then missing from, or listed on, a page, never twice.</para>
/// <para>A store serves each filter from an index, not by reading every job; a combination of filters is served by
/// one index and the others are checked per job in its range, and <see cref="Text"/> is always checked per job.</para>
/// </remarks>
public sealed record JobQuery
{
    /// <summary>Only jobs in this state.</summary>
    public JobState? State { get; init; }

    /// <summary>Only jobs of this queue.</summary>
    public string? Queue { get; init; }

    /// <summary>Only jobs of this name.</summary>
    public string? Name { get; init; }

    /// <summary>Only jobs of this batch (children and callbacks).</summary>
    public BatchId? BatchId { get; init; }

    /// <summary>
    /// Only jobs whose stored arguments (their JSON text), or whose last error's type or message, contain this text.
    /// Letters A to Z match either case; every other character only itself. No character has a special meaning.
    /// </summary>
    public string? Text { get; init; }

    /// <summary>
    /// Continue below this position: <see cref="StoredJobPage.Next"/> of the previous page. Null starts at the newest
    /// job. A store throws <see cref="ArgumentException"/> for a position it did not make.
    /// </summary>
    public string? After { get; init; }

    /// <summary>The most jobs to return; zero returns none (and still counts).</summary>
    public required int Limit { get; init; }

    /// <summary>
    /// How many matches to count at most for <see cref="StoredJobPage.Total"/>: counting stops after this many (plus
    /// one, to know whether there are more), so its cost is bounded. Zero skips counting.
    /// </summary>
    public required int CountLimit { get; init; }
}
