using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;
using JobQueue.Json;

namespace JobQueue;

/// <summary>
/// Identifies a job. Wraps a version-7 (time-ordered) <see cref="Guid"/> made by the client, so the id is
/// known before the job is written and bulk inserts need no round trip to learn ids.
/// </summary>
/// <remarks>System.Text.Json writes it as its plain string (the form <see cref="ToString()"/> gives), also as a dictionary key.</remarks>
/// <param name="Value">The wrapped Guid.</param>
[JsonConverter(typeof(JobIdJsonConverter))]
public readonly record struct JobId(Guid Value) : ISpanFormattable
{
    /// <summary>Creates a new, time-ordered id.</summary>
    public static JobId New() => new(RandomGuids.NewVersion7());

    /// <summary>Parses the canonical "D" form written by <see cref="ToString()"/>.</summary>
    /// <exception cref="FormatException"><paramref name="value"/> is not a Guid.</exception>
    public static JobId Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Guid.TryParse(value, out Guid guid)
            ? new JobId(guid)
            : throw new FormatException($"'{value}' is not a job id: expected a Guid such as 0190a5c2-7e4b-7cc1-9f0e-3b2f6d1e8a90.");
    }

    /// <summary>Parses a job id; returns false instead of throwing when <paramref name="value"/> is not one.</summary>
    public static bool TryParse([NotNullWhen(true)] string? value, out JobId id)
    {
        if (Guid.TryParse(value, out Guid guid))
        {
            id = new JobId(guid);
            return true;
        }

        id = default;
        return false;
    }

    /// <summary>The Guid's canonical "D" form.</summary>
    public override string ToString() => Value.ToString("D");

    /// <inheritdoc />
    public string ToString(string? format, IFormatProvider? formatProvider) => Value.ToString("D");

    /// <inheritdoc />
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
        => Value.TryFormat(destination, out charsWritten, "D");
}
