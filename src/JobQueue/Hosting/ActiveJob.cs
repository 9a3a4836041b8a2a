using JobQueue.Storage;

namespace JobQueue.Hosting;

/// <summary>Why a running job's token was fired. The first reason wins.</summary>
internal enum StopReason
{
    None = 0,

    /// <summary>The job was cancelled through the client.</summary>
    Cancelled = 1,

    /// <summary>A lease renewal was refused: the job was cancelled elsewhere or rescued after this host lost the store.</summary>
    LeaseLost = 2,

    /// <summary>The attempt ran past the job's timeout.</summary>
    TimedOut = 3,

    /// <summary>The host stopped waiting for running jobs at shutdown.</summary>
    ShutDown = 4,
}

/// <summary>
/// One attempt held by this host, from its start until its outcome is written: its lease and the token source its
/// handler watches. The lease is renewed for the whole span, so a slow outcome write cannot let it expire.
/// </summary>
/// <remarks>
/// Every reason to stop the handler (timeout, cancel, lost lease, shutdown) goes through <see cref="Stop"/>, which
/// records the first one: one token source per attempt instead of a linked source over three.
/// </remarks>
internal sealed class ActiveJob
{
    private int _stopReason;
    private volatile bool _writingOutcome;
    private ITimer? _timeout;
    private CancellationTokenRegistration _shutdown;
    private HandlerRun? _handler;

    public ActiveJob(StoredJob job)
    {
        Job = job;
    }

    public StoredJob Job { get; }

    public JobId Id => Job.Id;

    public Guid LeaseToken => Job.LeaseToken ?? Guid.Empty;

    /// <summary>Fires on <see cref="Stop"/>; it is the handler's token.</summary>
    public CancellationTokenSource Cancellation { get; } = new();

    public StopReason StopReason => (StopReason)Volatile.Read(ref _stopReason);

    /// <summary>
    /// The handler has ended and its outcome is being written. A renewal refused from now on only means that the
    /// write landed first (the store clears the lease with it), so it is no sign of a lost lease.
    /// </summary>
    public bool WritingOutcome => _writingOutcome;

    public void BeginOutcomeWrite() => _writingOutcome = true;

    /// <summary>Arms the stops that come from outside a caller: the job's timeout and the host's shutdown.</summary>
    public void Arm(TimeSpan timeout, TimeProvider time, CancellationToken shutdown)
    {
        _timeout = time.CreateTimer(static state => ((ActiveJob)state!).Stop(StopReason.TimedOut), this, timeout, Timeout.InfiniteTimeSpan);
        _shutdown = shutdown.UnsafeRegister(static state => ((ActiveJob)state!).Stop(StopReason.ShutDown), this);
    }

    /// <summary>The handler that a stop gives its grace period to.</summary>
    public void Watch(HandlerRun handler)
    {
        Volatile.Write(ref _handler, handler);
        if (StopReason != StopReason.None)
        {
            handler.StartGrace(); // stopped before the handler was known
        }
    }

    /// <summary>The handler has ended: timeout and shutdown no longer concern this attempt.</summary>
    public void Disarm()
    {
        _shutdown.Dispose();
        _timeout?.Dispose();
    }

    /// <summary>Records the first reason, fires the handler's token and starts the handler's grace period.</summary>
    public void Stop(StopReason reason)
    {
        Interlocked.CompareExchange(ref _stopReason, (int)reason, (int)StopReason.None);
        try
        {
            Cancellation.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The attempt ended between the caller's lookup and this call: nothing left to stop.
            return;
        }

        Volatile.Read(ref _handler)?.StartGrace();
    }
}
