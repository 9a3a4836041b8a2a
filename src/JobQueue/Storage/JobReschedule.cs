namespace JobQueue.Storage;

/// <summary>A leased job given back without spending its attempt.</summary>
public sealed record JobReschedule
{
    /// <summary>The job.</summary>
    public required JobId Id { get; init; }

    /// <summary>The token of the lease being given back.</summary>
    public required Guid LeaseToken { get; init; }

    /// <summary>When the job is due again.</summary>
    public required DateTimeOffset RunAt { get; init; }

    /// <summary>The engine's clock.</summary>
    public required DateTimeOffset Now { get; init; }
}
