using JobQueue.Signals;

namespace JobQueue.Postgres.Storage;

// Job changes: answered by the "c:" and "f:" notifications the writing statements send (see PostgresSql.Changes).
internal sealed partial class PostgresJobStorage
{
    public ValueTask WaitForChangeAsync(JobId id, CancellationToken cancellationToken)
    {
        // Registered in the synchronous part of the call, as the contract asks. If the listener is not connected yet,
        // its first LISTEN wakes every registration, covering any change sent before it listened.
        FinishWaiters.Registration registration = _listener.RegisterChange(id);
        return WaitAsync(registration, cancellationToken);
    }

    private async ValueTask WaitAsync(FinishWaiters.Registration registration, CancellationToken cancellationToken)
    {
        using (registration)
        {
            await _listener.EnsureListeningAsync(cancellationToken).ConfigureAwait(false);
            await registration.Finished.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
