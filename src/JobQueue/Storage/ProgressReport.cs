namespace JobQueue.Storage;

/// <summary>Progress of a running job.</summary>
public sealed record ProgressReport
{
    /// <summary>The job.</summary>
    public required JobId Id { get; init; }

    /// <summary>The token of the lease the attempt runs under.</summary>
    public required Guid LeaseToken { get; init; }

    /// <summary>The progress to store, replacing any earlier one.</summary>
    public required JobProgress Progress { get; init; }
}
