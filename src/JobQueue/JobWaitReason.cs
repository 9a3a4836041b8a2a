using System.Text.Json.Serialization;

namespace JobQueue;

/// <summary>Why a ready job has not started, other than waiting for its turn.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<JobWaitReason>))]
public enum JobWaitReason
{
    /// <summary>Its queue is paused.</summary>
    QueuePaused = 0,

    /// <summary>Its queue runs as many jobs as its global concurrency allows, across every host.</summary>
    QueueAtLimit = 1,

    /// <summary>As many jobs with its limit key run as its per-key concurrency allows.</summary>
    KeyAtLimit = 2,

    /// <summary>A rate limit (of its queue, job type or limit key) has no room until <see cref="JobWait.Until"/>.</summary>
    RateLimited = 3,

    /// <summary>A job with its limit key (or of its job type) met an outside limit (<see cref="RateLimitedException"/>) and holds them back until <see cref="JobWait.Until"/>.</summary>
    HeldBack = 4,
}
