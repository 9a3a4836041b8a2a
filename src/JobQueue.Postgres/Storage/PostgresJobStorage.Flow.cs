using JobQueue.Storage;

namespace JobQueue.Postgres.Storage;

// Flow control: placeholder until this store implements it (see FetchLimits and IJobStorage.Flow).
internal sealed partial class PostgresJobStorage
{
    public ValueTask HoldAsync(HoldRequest request, CancellationToken cancellationToken)
        => throw new NotImplementedException("Flow control is not implemented by this store yet.");

    public ValueTask<FlowState> GetFlowStateAsync(FlowStateRequest request, CancellationToken cancellationToken)
        => throw new NotImplementedException("Flow control is not implemented by this store yet.");
}
