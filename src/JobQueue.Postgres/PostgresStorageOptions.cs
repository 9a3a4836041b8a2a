using System.Text.RegularExpressions;
using JobQueue.Binding;

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
        foreach (OptionProblem problem in Problems(this, option => $"{nameof(PostgresStorageOptions)}.{option}"))
        {
            throw new ArgumentException(problem.Message, problem.Option == nameof(Schema) ? "schema" : null);
        }
    }

    /// <summary>The rules of the options, for code and configuration alike; <paramref name="nameOf"/> names an option in messages.</summary>
    internal static IEnumerable<OptionProblem> Problems(PostgresStorageOptions options, Func<string, string> nameOf)
    {
        if (SchemaProblem(options.Schema, nameOf(nameof(Schema))) is { } schema)
        {
            yield return new(nameof(Schema), schema);
        }

        if (options.MinReconnectDelay <= TimeSpan.Zero || options.MaxReconnectDelay < options.MinReconnectDelay)
        {
            yield return new(nameof(MinReconnectDelay),
                $"{nameOf(nameof(MinReconnectDelay))} is {options.MinReconnectDelay} and {nameOf(nameof(MaxReconnectDelay))} is {options.MaxReconnectDelay}; " +
                "the minimum must be positive and not above the maximum.");
        }

        // The delay arms a timer in the listener's reconnect loop, which would throw there, long after startup.
        else if (options.MaxReconnectDelay > s_maxTimer)
        {
            yield return new(nameof(MaxReconnectDelay),
                $"{nameOf(nameof(MaxReconnectDelay))} is {options.MaxReconnectDelay}; it must be at most {s_maxTimer} (about 49.7 days, the longest a .NET timer accepts).");
        }
    }

    /// <summary>Throws when <paramref name="schema"/> cannot be used as a schema name.</summary>
    internal static void ValidateSchema(string? schema)
    {
        if (SchemaProblem(schema, $"{nameof(PostgresStorageOptions)}.{nameof(Schema)}") is { } problem)
        {
            throw new ArgumentException(problem, nameof(schema));
        }
    }

    // The name is spliced into SQL text (identifiers cannot be parameters), so only a safe shape is allowed.
    private static string? SchemaProblem(string? schema, string name)
        => schema is null || !SchemaPattern().IsMatch(schema)
            ? $"{name} is '{schema}'; use lower-case letters, digits and underscores, starting with a letter or underscore, at most 40 characters (such as \"jobqueue\")."
            : null;

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,39}$", RegexOptions.CultureInvariant)]
    private static partial Regex SchemaPattern();
}
