using Microsoft.Extensions.Logging;

namespace JobQueue.Diagnostics;

/// <summary>Messages of the client, the side that enqueues: 4xxx.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning,
        Message = "Jobs were enqueued into queue {Queue}, which this process does not serve and none of the {AliveHosts} live worker hosts serves: " +
            "they wait until a host serves it. A host serves the queues it declares with AddQueue, the queues of the job types it registers with AddJob, and \"default\"")]
    public static partial void EnqueuedIntoUnservedQueue(this ILogger logger, string queue, int aliveHosts);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Debug, Message = "Reading the worker hosts to see whether queue {Queue} is served failed; the jobs were enqueued")]
    public static partial void UnservedQueueCheckFailed(this ILogger logger, string queue, Exception error);
}
