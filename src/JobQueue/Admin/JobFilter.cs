namespace JobQueue;

/// <summary>
/// Which jobs <see cref="IJobAdmin.QueryJobsAsync"/> lists (and the bulk operations act on): the jobs that match every
/// filter that is set; a null filter matches all.
/// </summary>
public sealed record JobFilter
{
    /// <summary>The most jobs one page may hold: 1,000.</summary>
    public const int MaxPageSize = 1000;

    /// <summary>The longest <see cref="Text"/>: 1,000 characters.</summary>
    public const int MaxTextLength = 1000;

    /// <summary>Only jobs in this state.</summary>
    public JobState? State { get; init; }

    /// <summary>Only jobs of this queue.</summary>
    public string? Queue { get; init; }

    /// <summary>Only jobs of this name (see <see cref="JobNameAttribute"/>).</summary>
    public string? Name { get; init; }

    /// <summary>Only jobs of this batch: its children and its callbacks.</summary>
    public BatchId? BatchId { get; init; }

    /// <summary>
    /// Only jobs whose arguments, or whose last error's type or message, contain this text. The arguments are matched as
    /// stored, as JSON text (System.Text.Json writes characters outside ASCII as \uXXXX escapes unless its encoder is
    /// told otherwise, so search for a value as it appears in the JSON). Letters A to Z match either case; every other
    /// character matches only itself, and none has a special meaning (% and _ are plain characters). At most
    /// <see cref="MaxTextLength"/> characters; null or empty matches all.
    /// </summary>
    /// <remarks>
    /// Unlike the other filters, text is checked job by job within the range the other filters select, so its cost
    /// grows with that range: narrow it with a state, queue or name.
    /// </remarks>
    public string? Text { get; init; }

    /// <summary>How many jobs one page holds, from 1 to <see cref="MaxPageSize"/>.</summary>
    /// <value>Defaults to 50. Ignored by the bulk operations.</value>
    public int PageSize { get; init; } = 50;

    /// <summary>
    /// Where the page starts: <see cref="JobPage.Continuation"/> of the previous page, or null for the newest jobs.
    /// Ignored by the bulk operations, which always start at the newest.
    /// </summary>
    public string? Continuation { get; init; }
}
