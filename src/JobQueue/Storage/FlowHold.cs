namespace JobQueue.Storage;

/// <summary>One hold: no job in <see cref="Scope"/> is leased until <see cref="Until"/>.</summary>
public sealed record FlowHold
{
    /// <summary>A <see cref="FlowScope.Key"/> or <see cref="FlowScope.Name"/> scope.</summary>
    public required string Scope { get; init; }

    /// <summary>The end of the hold.</summary>
    public required DateTimeOffset Until { get; init; }
}
