namespace JobQueue.Storage;

/// <summary>What <see cref="IJobStorage.SetRecurringJobPausedAsync"/> changes.</summary>
public sealed record RecurringPauseRequest
{
    /// <summary>The schedule's id.</summary>
    public required string Id { get; init; }

    /// <summary>True to pause, false to resume.</summary>
    public required bool Paused { get; init; }

    /// <summary>On resume, the schedule's next run time (computed by the engine: its next occurrence after now); unused on pause.</summary>
    public required DateTimeOffset NextRunAt { get; init; }

    /// <summary>The engine's clock: the change time.</summary>
    public required DateTimeOffset Now { get; init; }
}
