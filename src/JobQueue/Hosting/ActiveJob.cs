using JobQueue.Storage;

namespace JobQueue.Hosting;

/// <summary>Why a running job's token was fired by something other than its timeout or host shutdown.</summary>
internal enum StopReason
{
    None = 0,

    /// <summary>The job was cancelled through the client.</summary>
    Cancelled = 1,

    /// <summary>A lease renewal was refused: the job was cancelled elsewhere or rescued after this host lost the store.</summary>
    LeaseLost = 2,
}

/// <summary>
/// One attempt held by this host, from its start until its outcome is written: its lease and the token source its
/// handler watches. The lease is renewed for the whole span, so a slow outcome write cannot let it expire.
/// </summary>
internal sealed class ActiveJob
{
    private int _stopReason;
    private volatile bool _writingOutcome;

    public ActiveJob(StoredJob job)
    {
        Job = job;
    }

    public StoredJob Job { get; }

    public JobId Id => Job.Id;

    public Guid LeaseToken => Job.LeaseToken ?? Guid.Empty;

    /// <summary>Fires on <see cref="Stop"/>; the handler's token is linked to it.</summary>
    public CancellationTokenSource Cancellation { get; } = new();

    public StopReason StopReason => (StopReason)Volatile.Read(ref _stopReason);

    /// <summary>
    /// The handler has ended and its outcome is being written. A renewal refused from now on only means that the
    /// write landed first (the store clears the lease with it), so it is no sign of a lost lease.
    /// </summary>
    public bool WritingOutcome => _writingOutcome;

    public void BeginOutcomeWrite() => _writingOutcome = true;

    /// <summary>Records the first reason and fires the handler's token.</summary>
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
        }
    }
}
