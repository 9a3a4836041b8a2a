namespace JobQueue.Storage;

/// <summary>Flow control: holds, and the flow state that explains why a ready job waits. Fetch applies the limits (see <see cref="FetchLimits"/>).</summary>
public partial interface IJobStorage
{
    /// <summary>
    /// Stores holds: until a hold's end, no fetch leases a job in its scope (see <see cref="FetchLimits"/>, which applies holds
    /// whether or not the fetch has other limits). A scope held already keeps the later of the two ends.
    /// </summary>
    /// <remarks>Written by the engine when a handler throws <see cref="RateLimitedException"/>.</remarks>
    ValueTask HoldAsync(HoldRequest request, CancellationToken cancellationToken);

    /// <summary>Reads the flow state around one job: pause, running counts, holds and rate room, for the reason a ready job waits.</summary>
    ValueTask<FlowState> GetFlowStateAsync(FlowStateRequest request, CancellationToken cancellationToken);
}
