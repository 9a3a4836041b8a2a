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

/// <summary>One attempt running in this host: its lease and the token source its handler watches.</summary>
internal sealed class ActiveJob
{
    private int _stopReason;

    public ActiveJob(StoredJob job, CancellationTokenSource cancellation)
    {
        Job = job;
        Cancellation = cancellation;
    }

    public StoredJob Job { get; }

    public JobId Id => Job.Id;

    public Guid LeaseToken => Job.LeaseToken ?? Guid.Empty;

    public CancellationTokenSource Cancellation { get; }

    public StopReason StopReason => (StopReason)Volatile.Read(ref _stopReason);

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
