using System.Text.RegularExpressions;

namespace JobQueue;

/// <summary>Options of the PostgreSQL store, set in <c>q.UsePostgres(cs, o =&gt; ...)</c>.</summary>
public sealed partial class PostgresStorageOptions
{
    /// <summary>The schema name used when none is set.</summary>
    public const string DefaultSchema = "jobqueue";

    private static readonly TimeSpan s_maxTimer = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    /// <summary>The schema that holds JobQueue's tables; several applications can share a database with different schemas.</summary>
    /// <value>Defaults to "jobqueue". Lower-case letters, digits and underscores, starting with a letter or underscore, at most 40 characters.</value>
    public string Schema { get; set; } = DefaultSchema;

    /// <summary>
    /// Whether the store creates and upgrades its schema on first use (under an advisory lock, so many hosts
    /// starting at once apply each migration once). Turn off when DBAs apply
    /// <see cref="PostgresMigrations.GetScript"/> by hand.
    /// </summary>
    /// <value>Defaults to true.</value>
    public bool ApplyMigrations { get; set; } = true;

    /// <summary>How long the listening connection waits before reconnecting the first time after losing the server; doubles up to <see cref="MaxReconnectDelay"/>.</summary>
    /// <value>Defaults to 100 milliseconds.</value>
    public TimeSpan MinReconnectDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest wait between reconnect attempts of the listening connection.</summary>
    /// <value>Defaults to 5 seconds. At most about 49.7 days, the longest a .NET timer accepts.</value>
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Throws when an option is invalid, naming the option, the value and the fix.</summary>
    internal void Validate()
    {
        ValidateSchema(Schema);
        if (MinReconnectDelay <= TimeSpan.Zero || MaxReconnectDelay < MinReconnectDelay)
        {
            throw new ArgumentException(
                $"PostgresStorageOptions.MinReconnectDelay is {MinReconnectDelay} and MaxReconnectDelay is {MaxReconnectDelay}; " +
                "the minimum must be positive and not above the maximum.");
        }

        // The delay arms a timer in the listener's reconnect loop, which would throw there, long after startup.
        if (MaxReconnectDelay > s_maxTimer)
        {
            throw new ArgumentException(
                $"PostgresStorageOptions.MaxReconnectDelay is {MaxReconnectDelay}; it must be at most {s_maxTimer} (about 49.7 days, the longest a .NET timer accepts).");
        }
    }

    /// <summary>Throws when <paramref name="schema"/> cannot be used as a schema name.</summary>
    internal static void ValidateSchema(string? schema)
    {
        // The name is spliced into SQL text (identifiers cannot be parameters), so only a safe shape is allowed.
        if (schema is null || !SchemaPattern().IsMatch(schema))
        {
            throw new ArgumentException(
                $"PostgresStorageOptions.Schema is '{schema}'; use lower-case letters, digits and underscores, starting with a letter or underscore, at most 40 characters (such as \"jobqueue\").",
                nameof(schema));
        }
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,39}$", RegexOptions.CultureInvariant)]
    private static partial Regex SchemaPattern();
}
