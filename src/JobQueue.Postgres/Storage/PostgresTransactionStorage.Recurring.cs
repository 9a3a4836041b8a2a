using JobQueue.Storage;

namespace JobQueue.Postgres.Storage;

// Recurring jobs inside the application's transaction, each call (each claim) in a savepoint of its own.
internal sealed partial class PostgresTransactionStorage
{
    public async ValueTask<IReadOnlyList<RecurringUpsertOutcome>> UpsertRecurringJobsAsync(RecurringUpsertRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await RunAsync((c, ct) => _commands.UpsertRecurringAsync(c, request, ct), cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<bool> RemoveRecurringJobAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        return await RunAsync((c, ct) => _commands.RemoveRecurringAsync(c, id, ct), cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<bool> SetRecurringJobPausedAsync(RecurringPauseRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await RunAsync((c, ct) => _commands.SetRecurringPausedAsync(c, request, ct), cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<StoredRecurringJob>> GetRecurringJobsAsync(RecurringJobQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        return await RunAsync((c, ct) => _commands.GetRecurringAsync(c, query, ct), cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<RecurringDueJobs> GetDueRecurringJobsAsync(RecurringDueRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await RunAsync((c, ct) => _commands.GetDueRecurringAsync(c, request, ct), cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<RecurringClaimOutcome>> ClaimRecurringOccurrencesAsync(RecurringClaimRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var outcomes = new RecurringClaimOutcome[request.Claims.Count];
        for (int i = 0; i < outcomes.Length; i++)
        {
            RecurringClaim claim = request.Claims[i];
            outcomes[i] = await RunAsync((c, ct) => _commands.ClaimRecurringAsync(c, claim, request.Now, ct), cancellationToken).ConfigureAwait(false);
        }

        return outcomes;
    }

    public async ValueTask<bool> TriggerRecurringJobAsync(RecurringTriggerRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await RunAsync((c, ct) => _commands.TriggerRecurringAsync(c, request, ct), cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<bool>> DeclareRecurringJobsAsync(RecurringDeclareRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Ids.Count == 0 ? [] : await RunAsync((c, ct) => _commands.DeclareRecurringAsync(c, request, ct), cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<string>> PruneRecurringJobsAsync(RecurringPruneRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await RunAsync((c, ct) => _commands.PruneRecurringAsync(c, request, ct), cancellationToken).ConfigureAwait(false);
    }
}
