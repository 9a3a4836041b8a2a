using JobQueue.Storage;

namespace JobQueue.Postgres.Storage;

// Flow control, inside the caller's transaction: a hold commits with it.
internal sealed partial class PostgresTransactionStorage
{
    public async ValueTask HoldAsync(HoldRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        await RunAsync((c, ct) => _commands.HoldAsync(c, request, ct), cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<FlowState> GetFlowStateAsync(FlowStateRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await RunAsync((c, ct) => _commands.GetFlowStateAsync(c, request, ct), cancellationToken).ConfigureAwait(false);
    }
}
