namespace JobQueue.Storage;

/// <summary>A leased job's failed attempt.</summary>
public sealed record JobFailure
{
    /// <summary>The job.</summary>
    public required JobId Id { get; init; }

    /// <summary>The token of the lease the attempt ran under.</summary>
    public required Guid LeaseToken { get; init; }

    /// <summary>The attempt's error, appended to the job's errors.</summary>
    public required JobError Error { get; init; }

    /// <summary>When to try again, computed by the engine; null fails the job for good.</summary>
    public DateTimeOffset? RetryAt { get; init; }

    /// <summary>The engine's clock.</summary>
    public required DateTimeOffset Now { get; init; }
}
