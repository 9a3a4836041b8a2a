namespace JobQueue.Storage;

/// <summary>Moves a running job's lease expiry.</summary>
public sealed record LeaseExtension
{
    /// <summary>The job.</summary>
    public required JobId Id { get; init; }

    /// <summary>The token of the lease to extend.</summary>
    public required Guid LeaseToken { get; init; }

    /// <summary>The new expiry.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }
}
