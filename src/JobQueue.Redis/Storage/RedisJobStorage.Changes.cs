using JobQueue.Signals;
using StackExchange.Redis;

namespace JobQueue.Redis.Storage;

// Job changes: answered by the 'changed' channel (jobs started, progressed or made due again; published by the fetch,
// progress, fail, reschedule and rescue scripts, see RedisScripts) and by the 'done' channel (a finish is a change).
internal sealed partial class RedisJobStorage
{
    // The same bookkeeping as the finish waiters, answered on every change of the job rather than only its finish.
    private readonly FinishWaiters _changeWaiters = new();

    public ValueTask WaitForChangeAsync(JobId id, CancellationToken cancellationToken)
    {
        // Registered in the synchronous part of the call, as the contract asks. A (re)subscription wakes every
        // registration, covering what was published while nobody listened.
        FinishWaiters.Registration registration = _changeWaiters.Register(id);
        return WaitForChangeAsync(registration, cancellationToken);
    }

    private async ValueTask WaitForChangeAsync(FinishWaiters.Registration registration, CancellationToken cancellationToken)
    {
        using (registration)
        {
            await SubscribeAsync(cancellationToken).ConfigureAwait(false);
            await registration.Finished.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private void OnChanged(RedisValue ids)
    {
        // Decoded only when someone waits.
        if (_changeWaiters.AnyWaiting)
        {
            _changeWaiters.Finished((string)ids!);
        }
    }
}
