namespace JobQueue.Storage;

/// <summary>The finished jobs <see cref="IJobStorage.DeleteAsync"/> deletes.</summary>
public sealed record DeleteRequest
{
    /// <summary>The jobs; the outcomes come back in this order.</summary>
    public required IReadOnlyList<JobId> Ids { get; init; }
}
