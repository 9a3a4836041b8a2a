namespace JobQueue.Storage;

/// <summary>Moves a running job's lease expiry.</summary>
/// <param name="Id">The job.</param>
/// <param name="LeaseToken">The token of the lease to extend.</param>
/// <param name="ExpiresAt">The new expiry.</param>
public readonly record struct LeaseExtension(JobId Id, Guid LeaseToken, DateTimeOffset ExpiresAt);
