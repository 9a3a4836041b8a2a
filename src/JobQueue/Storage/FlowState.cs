namespace JobQueue.Storage;

/// <summary>The flow state around one job (see <see cref="IJobStorage.GetFlowStateAsync"/>).</summary>
public sealed record FlowState
{
    /// <summary>Whether the queue is paused.</summary>
    public required bool QueuePaused { get; init; }

    /// <summary>Running jobs of the queue.</summary>
    public required int RunningInQueue { get; init; }

    /// <summary>Running jobs with the request's limit key (in any queue); 0 without a key.</summary>
    public required int RunningWithKey { get; init; }

    /// <summary>The latest end of a hold on the key's or the name's scope that is after now, or null.</summary>
    public DateTimeOffset? HeldUntil { get; init; }

    /// <summary>
    /// Per item of <see cref="FlowStateRequest.Rates"/>, in order: null when the scope has room at now; otherwise the time at
    /// which it will have room for one start, if nothing else starts (the start that must leave the window, plus the period).
    /// </summary>
    public required IReadOnlyList<DateTimeOffset?> RateRoomAt { get; init; }
}
