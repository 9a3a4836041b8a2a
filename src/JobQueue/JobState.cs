using System.Text.Json.Serialization;

namespace JobQueue;

/// <summary>Where a job is in its life. <see cref="Succeeded"/>, <see cref="Failed"/> and <see cref="Cancelled"/> are final.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<JobState>))]
public enum JobState
{
    /// <summary>Waiting for its run time: delayed, scheduled, or waiting to be retried.</summary>
    Scheduled = 0,

    /// <summary>Ready to run as soon as a worker of its queue has a free slot.</summary>
    Enqueued = 1,

    /// <summary>Leased to a worker and running.</summary>
    Running = 2,

    /// <summary>Finished successfully; its result, if any, is stored. Final.</summary>
    Succeeded = 3,

    /// <summary>Failed for good: out of attempts, or failed permanently by its handler. Final.</summary>
    Failed = 4,

    /// <summary>Cancelled before it finished. Final.</summary>
    Cancelled = 5,

    /// <summary>A batch callback waiting for its batch to finish.</summary>
    Awaiting = 6,
}
