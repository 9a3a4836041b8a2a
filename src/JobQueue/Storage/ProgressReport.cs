namespace JobQueue.Storage;

/// <summary>Progress of a running job.</summary>
/// <param name="Id">The job.</param>
/// <param name="LeaseToken">The token of the lease the attempt runs under.</param>
/// <param name="Progress">The progress to store, replacing any earlier one.</param>
public readonly record struct ProgressReport(JobId Id, Guid LeaseToken, JobProgress Progress);
