namespace JobQueue.Storage;

/// <summary>The log of one job attempt, for <see cref="IJobStorage.SaveJobLogsAsync"/>.</summary>
public sealed record JobLogWrite
{
    /// <summary>The job.</summary>
    public required JobId Id { get; init; }

    /// <summary>The attempt the lines were logged in, starting at 1.</summary>
    public required int Attempt { get; init; }

    /// <summary>The attempt's lines in the engine's own format; stored as text, never interpreted by the store.</summary>
    public required string Text { get; init; }

    /// <summary>How many lines the engine dropped to keep within its bounds.</summary>
    public required int DroppedLines { get; init; }
}
