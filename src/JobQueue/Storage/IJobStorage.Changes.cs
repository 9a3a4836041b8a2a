namespace JobQueue.Storage;

/// <summary>Job changes: the signal that lets a watch of a job learn of changes written by another process.</summary>
public partial interface IJobStorage
{
    /// <summary>
    /// Completes when the job may have changed: started (leased), progress reported, an attempt failed and made due
    /// again, rescheduled, or finished. Spurious completions are allowed (a store that lost its connection to its
    /// signal completes every wait), and the call does not read the job: the caller reads it after calling. A change
    /// committed after the call was made (after its synchronous part ran) must not be missed. Called only when
    /// <see cref="StorageCapabilities.ChangeSignal"/> is true; otherwise the engine polls.
    /// </summary>
    ValueTask WaitForChangeAsync(JobId id, CancellationToken cancellationToken);
}
