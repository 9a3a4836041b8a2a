namespace JobQueue.Storage;

/// <summary>One rate scope to read with <see cref="IJobStorage.GetFlowStateAsync"/>.</summary>
public sealed record RateScopeQuery
{
    /// <summary>A <see cref="FlowScope"/> name.</summary>
    public required string Scope { get; init; }

    /// <summary>The limit to measure room against.</summary>
    public required RateLimit Limit { get; init; }
}
