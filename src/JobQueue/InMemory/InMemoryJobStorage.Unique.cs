using JobQueue.Storage;

namespace JobQueue.InMemory;

// Unique jobs: who holds an idempotency key, and the debounce that replaces a waiting holder.
internal sealed partial class InMemoryJobStorage
{
    /// <summary>Whether <paramref name="job"/> holds its idempotency key at <paramref name="now"/>, by its own scope.</summary>
    private static bool HoldsKey(InMemoryJob job, DateTimeOffset now) => job.Definition.IdempotencyScope switch
    {
        IdempotencyScope.ForPeriod => job.Definition.IdempotencyUntil is DateTimeOffset until && until > now,
        IdempotencyScope.WhileQueued => job.State is JobState.Scheduled or JobState.Enqueued or JobState.Awaiting,
        IdempotencyScope.WhileQueuedOrRunning => job.State is JobState.Scheduled or JobState.Enqueued or JobState.Awaiting or JobState.Running,
        _ => job.State is not (JobState.Failed or JobState.Cancelled),
    };

    /// <summary>
    /// A debounce: the waiting holder takes the new job's arguments and run time. A holder that is due already stays where it
    /// is in its queue when the new run time is due too (both mean "now").
    /// </summary>
    private void ReplaceLocked(InMemoryJob holder, NewJob replacement, DateTimeOffset now)
    {
        holder.ReplaceArguments(replacement.Arguments);
        DateTimeOffset runAt = replacement.RunAt;
        if (runAt > now)
        {
            // A Scheduled holder's old schedule entry no longer matches its run time, and an Enqueued holder's ready entry
            // no longer matches its state: promotion and fetch skip such entries.
            if (holder.State == JobState.Enqueued)
            {
                SetStateLocked(holder, JobState.Scheduled);
            }

            holder.RunAt = runAt;
            _scheduled.Enqueue(holder, new TimeKey(runAt.UtcTicks, holder.Sequence));
            ChangedLocked(holder.Id);
        }
        else if (holder.State == JobState.Scheduled)
        {
            MakeReadyLocked(holder, runAt);
        }
        else
        {
            ChangedLocked(holder.Id);
        }
    }
}
