using System.Text.Json;

namespace JobQueue.Reading;

/// <summary>
/// What a provider's reader could not read of one stored job, field by field. It becomes
/// <see cref="Storage.StoredJob.Unreadable"/>, so a damaged field costs its own job a clear error instead of failing
/// the whole call. Shared by the providers as linked source (src/Shared).
/// </summary>
/// <remarks>A mutable struct held in a local: nothing is allocated while every field reads.</remarks>
internal struct UnreadableFields
{
    private string? _description;

    /// <summary>Null while every field was read; otherwise "field: reason; field: reason".</summary>
    public readonly string? Description => _description;

    public void Add(string field, string reason)
        => _description = _description is null ? $"{field}: {reason}" : $"{_description}; {field}: {reason}";

    /// <summary>A job state number, or Failed (described) for a number that is none: no store operation moves such a job.</summary>
    public JobState State(long value, string field)
    {
        if (value is >= (long)JobState.Scheduled and <= (long)JobState.Awaiting)
        {
            return (JobState)value;
        }

        Add(field, $"{value} is not a job state");
        return JobState.Failed;
    }

    /// <summary>
    /// True for what converting stored data throws. A fault of the store itself (a lost connection, a closed reader)
    /// is none of these and propagates: it is no property of one job.
    /// </summary>
    public static bool IsDataError(Exception error)
        => error is FormatException or InvalidCastException or OverflowException or ArgumentException or JsonException or KeyNotFoundException;

    /// <summary>At most 80 characters of a stored value, for a reason that shows what was found without flooding a log.</summary>
    public static string Excerpt(string value) => value.Length <= 80 ? value : string.Concat(value.AsSpan(0, 77), "...");
}
