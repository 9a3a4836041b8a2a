namespace JobQueue.Storage;

/// <summary>Holds to store (see <see cref="IJobStorage.HoldAsync"/>).</summary>
public sealed record HoldRequest
{
    /// <summary>The holds, any number; a scope may appear more than once (the latest end wins).</summary>
    public required IReadOnlyList<FlowHold> Holds { get; init; }

    /// <summary>The caller's now: holds that ended before it may be deleted.</summary>
    public required DateTimeOffset Now { get; init; }
}
