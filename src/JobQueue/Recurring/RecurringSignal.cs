namespace JobQueue.Recurring;

/// <summary>Wakes this process's scheduler when a schedule changes here, so a change takes effect before its next poll.</summary>
internal sealed class RecurringSignal
{
    private TaskCompletionSource _changed = NewSource();

    /// <summary>Completes at the next <see cref="Set"/>.</summary>
    public Task Changed => Volatile.Read(ref _changed).Task;

    public void Set() => Interlocked.Exchange(ref _changed, NewSource()).TrySetResult();

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
