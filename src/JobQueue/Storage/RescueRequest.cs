namespace JobQueue.Storage;

/// <summary>What <see cref="IJobStorage.RescueExpiredLeasesAsync"/> rescues, and the error it records.</summary>
public sealed record RescueRequest
{
    /// <summary>The engine's clock: leases that expire at or before it are rescued.</summary>
    public required DateTimeOffset Now { get; init; }

    /// <summary>The most jobs to rescue in this call.</summary>
    public required int Limit { get; init; }

    /// <summary>The error type recorded for the lost attempt.</summary>
    public required string ErrorType { get; init; }

    /// <summary>The error message recorded for the lost attempt.</summary>
    public required string ErrorMessage { get; init; }
}
