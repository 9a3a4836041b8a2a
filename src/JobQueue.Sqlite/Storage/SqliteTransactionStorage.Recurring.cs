using JobQueue.Storage;

namespace JobQueue.Sqlite.Storage;

// Recurring jobs inside the application's transaction: the same statements, committed or rolled back with it.
internal sealed partial class SqliteTransactionStorage
{
    public ValueTask<IReadOnlyList<RecurringUpsertOutcome>> UpsertRecurringJobsAsync(RecurringUpsertRequest request, CancellationToken cancellationToken)
        => Write(writer => writer.UpsertRecurring(request), cancellationToken);

    public ValueTask<bool> RemoveRecurringJobAsync(string id, CancellationToken cancellationToken)
        => Write(writer => writer.RemoveRecurring(id), cancellationToken);

    public ValueTask<bool> SetRecurringJobPausedAsync(RecurringPauseRequest request, CancellationToken cancellationToken)
        => Write(writer => writer.SetRecurringPaused(request), cancellationToken);

    public ValueTask<IReadOnlyList<StoredRecurringJob>> GetRecurringJobsAsync(RecurringJobQuery query, CancellationToken cancellationToken)
        => Read(reader => reader.GetRecurring(query.Id), cancellationToken);

    public ValueTask<RecurringDueJobs> GetDueRecurringJobsAsync(RecurringDueRequest request, CancellationToken cancellationToken)
        => Read(reader => reader.GetDueRecurring(request), cancellationToken);

    public ValueTask<IReadOnlyList<RecurringClaimOutcome>> ClaimRecurringOccurrencesAsync(RecurringClaimRequest request, CancellationToken cancellationToken)
        => Write(writer => writer.ClaimRecurring(request), cancellationToken);

    public ValueTask<bool> TriggerRecurringJobAsync(RecurringTriggerRequest request, CancellationToken cancellationToken)
        => Write(writer => writer.TriggerRecurring(request), cancellationToken);

    public ValueTask<IReadOnlyList<bool>> DeclareRecurringJobsAsync(RecurringDeclareRequest request, CancellationToken cancellationToken)
        => Write(writer => writer.DeclareRecurring(request), cancellationToken);

    public ValueTask<IReadOnlyList<string>> PruneRecurringJobsAsync(RecurringPruneRequest request, CancellationToken cancellationToken)
        => Write(writer => writer.PruneRecurring(request), cancellationToken);
}
