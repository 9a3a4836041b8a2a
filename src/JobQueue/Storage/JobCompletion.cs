namespace JobQueue.Storage;

/// <summary>A leased job that succeeded.</summary>
public sealed record JobCompletion
{
    /// <summary>The job.</summary>
    public required JobId Id { get; init; }

    /// <summary>The token of the lease the attempt ran under.</summary>
    public required Guid LeaseToken { get; init; }

    /// <summary>The result as UTF-8 JSON, or null for a handler without a result.</summary>
    public byte[]? Result { get; init; }

    /// <summary>The engine's clock: the finish time.</summary>
    public required DateTimeOffset Now { get; init; }
}
