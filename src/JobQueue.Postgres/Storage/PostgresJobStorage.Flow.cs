using JobQueue.Storage;

namespace JobQueue.Postgres.Storage;

// Flow control: holds and flow state (fetches with limits are in FetchAsync; see PostgresSql.Flow).
internal sealed partial class PostgresJobStorage
{
    public async ValueTask HoldAsync(HoldRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        await RunAsync((c, ct) => _commands.HoldAsync(c, request, ct), atomic: false, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<FlowState> GetFlowStateAsync(FlowStateRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await RunAsync((c, ct) => _commands.GetFlowStateAsync(c, request, ct), atomic: false, cancellationToken).ConfigureAwait(false);
    }
}
