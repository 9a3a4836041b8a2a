namespace JobQueue.Storage;

/// <summary>A leased job given back without spending its attempt.</summary>
/// <param name="Id">The job.</param>
/// <param name="LeaseToken">The token of the lease being given back.</param>
/// <param name="RunAt">When the job is due again.</param>
/// <param name="Now">The engine's clock.</param>
public readonly record struct JobReschedule(JobId Id, Guid LeaseToken, DateTimeOffset RunAt, DateTimeOffset Now);
