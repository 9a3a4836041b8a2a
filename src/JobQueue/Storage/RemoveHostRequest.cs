namespace JobQueue.Storage;

/// <summary>The host whose record <see cref="IJobStorage.RemoveHostAsync"/> deletes.</summary>
public sealed record RemoveHostRequest
{
    /// <summary>The host's id (<see cref="HostHeartbeat.HostId"/>).</summary>
    public required string HostId { get; init; }
}
