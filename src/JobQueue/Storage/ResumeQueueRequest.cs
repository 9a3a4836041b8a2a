namespace JobQueue.Storage;

/// <summary>What <see cref="IJobStorage.ResumeQueueAsync"/> resumes.</summary>
public sealed record ResumeQueueRequest
{
    /// <summary>The queue to resume.</summary>
    public required string Queue { get; init; }
}
