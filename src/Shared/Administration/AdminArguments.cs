using JobQueue.Storage;

namespace JobQueue.Administration;

/// <summary>The argument checks of the job administration calls, the same in every durable store.</summary>
internal static class AdminArguments
{
    public static void Check(JobQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegative(query.Limit, nameof(query));
        ArgumentOutOfRangeException.ThrowIfNegative(query.CountLimit, nameof(query));
        if (query.State is { } state && !Enum.IsDefined(state))
        {
            throw new ArgumentException($"JobQuery.State is {(int)state}, which is no JobState.", nameof(query));
        }
    }

    public static void Check(RetryRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Ids is null)
        {
            throw new ArgumentException("RetryRequest.Ids is null.", nameof(request));
        }
    }

    public static void Check(DeleteRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Ids is null)
        {
            throw new ArgumentException("DeleteRequest.Ids is null.", nameof(request));
        }
    }

    public static void Check(ThroughputPruneRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfNegative(request.Limit, nameof(request));
    }
}
