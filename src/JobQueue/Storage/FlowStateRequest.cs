namespace JobQueue.Storage;

/// <summary>What <see cref="IJobStorage.GetFlowStateAsync"/> reads: the flow state that decides whether one job could start now.</summary>
public sealed record FlowStateRequest
{
    /// <summary>The job's queue.</summary>
    public required string Queue { get; init; }

    /// <summary>The job's name.</summary>
    public required string Name { get; init; }

    /// <summary>The job's limit key, or null.</summary>
    public string? LimitKey { get; init; }

    /// <summary>Rate scopes to read, each with its limit (see <see cref="FlowState.RateRoomAt"/>).</summary>
    public IReadOnlyList<RateScopeQuery> Rates { get; init; } = [];

    /// <summary>The caller's now.</summary>
    public required DateTimeOffset Now { get; init; }
}
