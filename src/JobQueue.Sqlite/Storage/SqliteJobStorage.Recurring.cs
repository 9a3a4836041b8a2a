using JobQueue.Storage;

namespace JobQueue.Sqlite.Storage;

// Recurring jobs: writes through the one write connection (a claim is one BEGIN IMMEDIATE transaction with the jobs it
// enqueues), reads on pooled connections.
internal sealed partial class SqliteJobStorage
{
    public ValueTask<IReadOnlyList<RecurringUpsertOutcome>> UpsertRecurringJobsAsync(RecurringUpsertRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return WriteAsync(writer => writer.UpsertRecurring(request), cancellationToken);
    }

    public ValueTask<bool> RemoveRecurringJobAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        return WriteAsync(writer => writer.RemoveRecurring(id), cancellationToken);
    }

    public ValueTask<bool> SetRecurringJobPausedAsync(RecurringPauseRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return WriteAsync(writer => writer.SetRecurringPaused(request), cancellationToken);
    }

    public ValueTask<IReadOnlyList<StoredRecurringJob>> GetRecurringJobsAsync(RecurringJobQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        return ReadAsync(reader => reader.GetRecurring(query.Id), cancellationToken);
    }

    public ValueTask<RecurringDueJobs> GetDueRecurringJobsAsync(RecurringDueRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ReadAsync(reader => reader.GetDueRecurring(request), cancellationToken);
    }

    public ValueTask<IReadOnlyList<RecurringClaimOutcome>> ClaimRecurringOccurrencesAsync(RecurringClaimRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return WriteAsync(writer => writer.ClaimRecurring(request), cancellationToken);
    }

    public ValueTask<bool> TriggerRecurringJobAsync(RecurringTriggerRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return WriteAsync(writer => writer.TriggerRecurring(request), cancellationToken);
    }

    public ValueTask<IReadOnlyList<bool>> DeclareRecurringJobsAsync(RecurringDeclareRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return WriteAsync(writer => writer.DeclareRecurring(request), cancellationToken);
    }

    public ValueTask<IReadOnlyList<string>> PruneRecurringJobsAsync(RecurringPruneRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return WriteAsync(writer => writer.PruneRecurring(request), cancellationToken);
    }
}
