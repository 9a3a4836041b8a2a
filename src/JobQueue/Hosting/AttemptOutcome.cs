namespace JobQueue.Hosting;

/// <summary>How one attempt ended, before the engine turns it into a store write.</summary>
internal enum AttemptOutcomeKind
{
    /// <summary>The handler returned.</summary>
    Succeeded,

    /// <summary>The handler asked to run again later without spending the attempt.</summary>
    Snoozed,

    /// <summary>The handler threw RateLimitedException: given back like a snooze, and its key or type held back.</summary>
    RateLimited,

    /// <summary>The handler threw (or no handler or arguments fit): retry while attempts remain.</summary>
    Failed,

    /// <summary>Retrying cannot help: fail for good now.</summary>
    FailedPermanently,

    /// <summary>The host is shutting down: give the lease back without spending the attempt.</summary>
    ShutDown,

    /// <summary>The job was cancelled, or its lease was lost: the store refuses this attempt's writes, so write nothing.</summary>
    Stopped,
}

/// <summary>How one attempt ended, with what the store write needs.</summary>
internal readonly record struct AttemptOutcome(AttemptOutcomeKind Kind, byte[]? Result = null, Exception? Error = null, TimeSpan SnoozeDelay = default)
{
    public static AttemptOutcome Success(byte[]? result) => new(AttemptOutcomeKind.Succeeded, result);

    public static AttemptOutcome Snooze(TimeSpan delay) => new(AttemptOutcomeKind.Snoozed, SnoozeDelay: delay);

    public static AttemptOutcome RateLimited(RateLimitedException error) => new(AttemptOutcomeKind.RateLimited, Error: error, SnoozeDelay: error.RetryAfter);

    public static AttemptOutcome Failure(Exception error) => new(AttemptOutcomeKind.Failed, Error: error);

    public static AttemptOutcome PermanentFailure(Exception error) => new(AttemptOutcomeKind.FailedPermanently, Error: error);

    public static AttemptOutcome ShutDown() => new(AttemptOutcomeKind.ShutDown);

    public static AttemptOutcome Stopped() => new(AttemptOutcomeKind.Stopped);
}
