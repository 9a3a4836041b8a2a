namespace JobQueue.Storage;

/// <summary>The stored log of one job attempt, read by <see cref="IJobStorage.GetJobLogsAsync"/>.</summary>
public sealed record StoredJobLog
{
    /// <summary>The attempt the lines were logged in.</summary>
    public required int Attempt { get; init; }

    /// <summary>The text as written by <see cref="IJobStorage.SaveJobLogsAsync"/>.</summary>
    public required string Text { get; init; }

    /// <summary>How many lines were dropped.</summary>
    public required int DroppedLines { get; init; }
}
