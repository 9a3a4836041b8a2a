using System.Text.Json.Serialization;

namespace JobQueue;

/// <summary>Where a batch is in its life.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<BatchState>))]
public enum BatchState
{
    /// <summary>Some children have not finished and none has failed for good.</summary>
    Running = 0,

    /// <summary>Every child succeeded; the success callback, if any, has been released.</summary>
    Succeeded = 1,

    /// <summary>
    /// At least one child failed for good or was cancelled; the failure callback, if any, has been released.
    /// Children still pending run to their end.
    /// </summary>
    Failed = 2,
}
