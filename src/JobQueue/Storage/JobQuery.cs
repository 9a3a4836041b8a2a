namespace JobQueue.Storage;

/// <summary>A filter for <see cref="IJobStorage.QueryJobsAsync"/>; every null field matches all.</summary>
public sealed record JobQuery
{
    /// <summary>Only jobs of this queue.</summary>
    public string? Queue { get; init; }

    /// <summary>Only jobs in this state.</summary>
    public JobState? State { get; init; }

    /// <summary>Only jobs of this batch (children and callbacks).</summary>
    public BatchId? BatchId { get; init; }

    /// <summary>How many matching jobs to skip, newest first.</summary>
    public int Offset { get; init; }

    /// <summary>The most jobs to return.</summary>
    public int Limit { get; init; } = 100;
}
