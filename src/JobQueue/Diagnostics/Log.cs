using Microsoft.Extensions.Logging;

namespace JobQueue.Diagnostics;

/// <summary>Every log message of the engine, source-generated, with stable event ids: 1xxx host, 2xxx jobs, 3xxx maintenance.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "JobQueue worker {WorkerId} started on {Store} store, serving queues {Queues}")]
    public static partial void HostStarted(this ILogger logger, string workerId, string store, string queues);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "JobQueue worker stopping: waiting up to {ShutdownTimeout} for {Running} running jobs")]
    public static partial void HostStopping(this ILogger logger, TimeSpan shutdownTimeout, int running);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "Shutdown timeout reached: cancelling {Running} running jobs and giving their leases back")]
    public static partial void ShutdownCancellingJobs(this ILogger logger, int running);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information, Message = "JobQueue worker stopped")]
    public static partial void HostStopped(this ILogger logger);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "Fetching from queue {Queue} failed; retrying in {Delay}")]
    public static partial void FetchFailed(this ILogger logger, string queue, TimeSpan delay, Exception error);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Warning, Message = "Renewing {Count} leases failed; retrying at the next renewal")]
    public static partial void LeaseRenewalFailed(this ILogger logger, int count, Exception error);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Warning, Message = "Job {JobId} lost its lease (cancelled or rescued elsewhere); its handler is being cancelled")]
    public static partial void LeaseLost(this ILogger logger, JobId jobId);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Warning,
        Message = "Fetching from queue {Queue} took {Elapsed}, most of the lease: renewed the leases of {Count} jobs before starting them, and left {Lost} whose lease the store no longer held")]
    public static partial void StaleFetchRenewed(this ILogger logger, string queue, TimeSpan elapsed, int count, int lost);

    [LoggerMessage(EventId = 1105, Level = LogLevel.Warning,
        Message = "Fetching from queue {Queue} took {Elapsed}, most of the lease, and renewing the leases of its {Count} jobs failed: they are not started here, and return to work once their leases expire")]
    public static partial void StaleFetchNotRenewed(this ILogger logger, string queue, TimeSpan elapsed, int count, Exception error);

    [LoggerMessage(EventId = 2111, Level = LogLevel.Warning,
        Message = "No handler is registered in this host for job '{JobName}' (queue {Queue}): its jobs are handed back without spending an attempt, for a host that has one, and fail if none runs them within {UnknownJobTimeout}. Call AddJob<T>() for it here, or check its [JobName]")]
    public static partial void NoHandlerHandedBack(this ILogger logger, string jobName, string queue, TimeSpan unknownJobTimeout);

    [LoggerMessage(EventId = 2112, Level = LogLevel.Debug, Message = "Job {JobId} ({JobName}) has no handler in this host; handed back, due again at {RunAt}")]
    public static partial void NoHandlerJobHandedBack(this ILogger logger, JobId jobId, string jobName, DateTimeOffset runAt);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Debug, Message = "Job {JobId} ({JobName}) attempt {Attempt} started")]
    public static partial void JobStarted(this ILogger logger, JobId jobId, string jobName, int attempt);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Debug, Message = "Job {JobId} ({JobName}) succeeded in {Duration}")]
    public static partial void JobSucceeded(this ILogger logger, JobId jobId, string jobName, TimeSpan duration);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Warning, Message = "Job {JobId} ({JobName}) failed on attempt {Attempt}; retrying at {RetryAt}")]
    public static partial void RetryScheduled(this ILogger logger, JobId jobId, string jobName, int attempt, DateTimeOffset retryAt, Exception error);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Error, Message = "Job {JobId} ({JobName}) failed for good on attempt {Attempt} of {MaxAttempts}")]
    public static partial void JobFailed(this ILogger logger, JobId jobId, string jobName, int attempt, int maxAttempts, Exception error);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Warning, Message = "Job {JobId} ({JobName}) ignored cancellation after its timeout of {Timeout}; abandoned after a grace of {Grace}, its slot is freed")]
    public static partial void JobAbandoned(this ILogger logger, JobId jobId, string jobName, TimeSpan timeout, TimeSpan grace);

    [LoggerMessage(EventId = 2104, Level = LogLevel.Information, Message = "Job {JobId} ({JobName}) snoozed until {RunAt}")]
    public static partial void JobSnoozed(this ILogger logger, JobId jobId, string jobName, DateTimeOffset runAt);

    [LoggerMessage(EventId = 2115, Level = LogLevel.Information, Message = "Job {JobId} ({JobName}) was rate limited outside; it and every job of {Scope} are held back until {Until}")]
    public static partial void JobRateLimited(this ILogger logger, JobId jobId, string jobName, string scope, DateTimeOffset until);

    [LoggerMessage(EventId = 2116, Level = LogLevel.Warning, Message = "Job {JobId} ({JobName}): storing the hold of {Scope} failed; only the job itself waits")]
    public static partial void HoldFailed(this ILogger logger, JobId jobId, string jobName, string scope, Exception error);

    [LoggerMessage(EventId = 2105, Level = LogLevel.Information, Message = "Job {JobId} ({JobName}) was cancelled while running")]
    public static partial void JobCancelled(this ILogger logger, JobId jobId, string jobName);

    [LoggerMessage(EventId = 2106, Level = LogLevel.Information, Message = "Job {JobId} ({JobName}) given back at shutdown")]
    public static partial void JobGivenBack(this ILogger logger, JobId jobId, string jobName);

    [LoggerMessage(EventId = 2107, Level = LogLevel.Debug, Message = "Job {JobId}: the outcome of attempt {Attempt} was refused because the lease is no longer held")]
    public static partial void OutcomeRefused(this ILogger logger, JobId jobId, int attempt);

    [LoggerMessage(EventId = 2108, Level = LogLevel.Error, Message = "Job {JobId}: writing the outcome of attempt {Attempt} failed; the job runs again once its lease expires")]
    public static partial void OutcomeWriteFailed(this ILogger logger, JobId jobId, int attempt, Exception error);

    [LoggerMessage(EventId = 2110, Level = LogLevel.Warning, Message = "Job {JobId}: writing the outcome of attempt {Attempt} failed; retrying in {Delay}")]
    public static partial void OutcomeWriteRetrying(this ILogger logger, JobId jobId, int attempt, TimeSpan delay, Exception error);

    [LoggerMessage(EventId = 2109, Level = LogLevel.Error, Message = "Job {JobId} ({JobName}): an abandoned handler finally failed")]
    public static partial void AbandonedHandlerFailed(this ILogger logger, JobId jobId, string jobName, Exception error);

    [LoggerMessage(EventId = 2113, Level = LogLevel.Information, Message = "Job {JobId} ({JobName}): an abandoned handler has ended; {StillRunning} abandoned handlers still run")]
    public static partial void AbandonedHandlerEnded(this ILogger logger, JobId jobId, string jobName, int stillRunning);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Rescued {Count} jobs whose worker stopped renewing its lease")]
    public static partial void JobsRescued(this ILogger logger, int count);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Debug, Message = "Pruned {Count} finished jobs older than {Retention}")]
    public static partial void JobsPruned(this ILogger logger, int count, TimeSpan retention);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "Maintenance step {Step} failed; retrying at the next interval")]
    public static partial void MaintenanceFailed(this ILogger logger, string step, Exception error);

    [LoggerMessage(EventId = 2114, Level = LogLevel.Warning, Message = "Job {JobId}: writing the log lines of attempt {Attempt} failed; they are lost")]
    internal static partial void JobLogWriteFailed(this ILogger logger, JobId jobId, int attempt, Exception error);
}
