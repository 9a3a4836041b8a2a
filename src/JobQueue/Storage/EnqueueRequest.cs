namespace JobQueue.Storage;

/// <summary>What <see cref="IJobStorage.EnqueueAsync"/> writes in one atomic step.</summary>
public sealed record EnqueueRequest
{
    /// <summary>The jobs, in order; results come back in the same order.</summary>
    public required IReadOnlyList<NewJob> Jobs { get; init; }

    /// <summary>A batch to create together with the jobs, or null.</summary>
    public NewBatch? Batch { get; init; }

    /// <summary>The engine's clock: the enqueue time of every job.</summary>
    public required DateTimeOffset Now { get; init; }
}
