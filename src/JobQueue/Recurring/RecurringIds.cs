namespace JobQueue.Recurring;

/// <summary>The rules of a recurring job's id, checked at every public entry point.</summary>
internal static class RecurringIds
{
    /// <summary>The longest id: it becomes part of key names and log lines.</summary>
    public const int MaxLength = 200;

    /// <exception cref="ArgumentException">The id is empty, blank, too long or has control characters; the message says which.</exception>
    public static void Validate(string? id, string context)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            throw new ArgumentException($"{context}: the recurring job id is empty; give each schedule a unique name, such as \"nightly-export\".", nameof(id));
        }

        if (id.Length > MaxLength)
        {
            throw new ArgumentException($"{context}: the recurring job id \"{id[..40]}...\" is {id.Length} characters long; at most {MaxLength} are allowed.", nameof(id));
        }

        if (id.Any(char.IsControl))
        {
            throw new ArgumentException($"{context}: the recurring job id \"{id}\" contains a control character; use printable characters only.", nameof(id));
        }
    }
}
