using System.Data.Common;
using JobQueue.Binding;
using Microsoft.Data.Sqlite;

namespace JobQueue.Sqlite.Storage;

/// <summary>The validated connection string and options of one store.</summary>
internal sealed class SqliteSettings
{
    private SqliteSettings(string connectionString, string dataSource, SqliteStorageOptions options)
    {
        ConnectionString = connectionString;
        DataSource = dataSource;
        Options = options;
    }

    public string ConnectionString { get; }

    /// <summary>The database file, for messages and tests.</summary>
    public string DataSource { get; }

    public SqliteStorageOptions Options { get; }

    /// <exception cref="ArgumentException">The input or an option is invalid; the message says which and how to fix it.</exception>
    public static SqliteSettings Create(string pathOrConnectionString, SqliteStorageOptions options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pathOrConnectionString);
        ArgumentNullException.ThrowIfNull(options);
        Validate(options);

        bool isConnectionString = pathOrConnectionString.Contains('=', StringComparison.Ordinal);
        SqliteConnectionStringBuilder builder = isConnectionString
            ? ParseConnectionString(pathOrConnectionString)
            : new SqliteConnectionStringBuilder { DataSource = pathOrConnectionString };
        string shown = isConnectionString ? Redact(builder) : pathOrConnectionString;
        if (string.IsNullOrWhiteSpace(builder.DataSource))
        {
            throw new ArgumentException(
                $"The SQLite connection string '{shown}' names no file; add \"Data Source=jobs.db\".", nameof(pathOrConnectionString));
        }

        if (builder.Mode == SqliteOpenMode.Memory || builder.DataSource == ":memory:")
        {
            throw new ArgumentException(
                $"UseSqlite needs a file, but '{shown}' is an in-memory database, which is lost with its last connection. Use UseInMemory() for jobs kept in memory.",
                nameof(pathOrConnectionString));
        }

        if (builder.Mode == SqliteOpenMode.ReadOnly)
        {
            throw new ArgumentException(
                $"UseSqlite needs to write, but '{shown}' opens the database read-only; remove \"Mode=ReadOnly\".", nameof(pathOrConnectionString));
        }

        // A full path keeps the file fixed even if the process changes its current directory later.
        if (!builder.DataSource.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            builder.DataSource = Path.GetFullPath(builder.DataSource);
        }

        // Microsoft.Data.Sqlite retries busy statements itself until the command timeout (whole seconds); keep that
        // close to BusyTimeout so our own bounded retry, not an endless wait, decides when to give up.
        builder.DefaultTimeout = Math.Max(1, (int)Math.Ceiling(options.BusyTimeout.TotalSeconds));
        return new SqliteSettings(builder.ToString(), builder.DataSource, options);
    }

    /// <summary>
    /// Reads a connection string one keyword at a time, so an error names the keyword and never a value:
    /// Microsoft.Data.Sqlite's own messages quote the value ("Requested value '...' was not found"), and a value may be
    /// the password, typed into the wrong keyword or cut off by a stray quote or semicolon.
    /// </summary>
    private static SqliteConnectionStringBuilder ParseConnectionString(string text)
    {
        const string Fix = "Pass a file path such as \"jobs.db\" or a connection string such as \"Data Source=jobs.db\".";
        var written = new DbConnectionStringBuilder();
        try
        {
            written.ConnectionString = text;
        }
        catch (ArgumentException ex)
        {
            // The framework's message gives a position, not the text; the exception itself is not kept (it holds no more).
            throw new ArgumentException($"UseSqlite could not read the connection string: {ex.Message} {Fix}", "pathOrConnectionString");
        }

        var builder = new SqliteConnectionStringBuilder();
        foreach (string keyword in written.Keys)
        {
            if (!builder.ContainsKey(keyword))
            {
                throw new ArgumentException(
                    $"UseSqlite could not read the connection string: Microsoft.Data.Sqlite has no keyword '{keyword}' " +
                    $"(it knows {string.Join(", ", builder.Keys.Cast<string>())}). {Fix}",
                    "pathOrConnectionString");
            }

            try
            {
                builder[keyword] = written[keyword];
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidCastException or OverflowException)
            {
                throw new ArgumentException(
                    $"UseSqlite could not read the connection string: the value of '{keyword}' is not valid for it. {Fix}", "pathOrConnectionString");
            }
        }

        return builder;
    }

    /// <summary>The connection string as messages show it: the password masked.</summary>
    private static string Redact(SqliteConnectionStringBuilder builder)
    {
        if (string.IsNullOrEmpty(builder.Password))
        {
            return builder.ToString();
        }

        return new SqliteConnectionStringBuilder(builder.ToString()) { Password = "***" }.ToString();
    }

    private static void Validate(SqliteStorageOptions options)
    {
        foreach (OptionProblem problem in Problems(options, option => $"{nameof(SqliteStorageOptions)}.{option}"))
        {
            object value = problem.Option == nameof(SqliteStorageOptions.BusyTimeout) ? options.BusyTimeout : options.BusyRetryLimit;
            throw new ArgumentOutOfRangeException(nameof(options), value, problem.Message);
        }
    }

    /// <summary>The rules of <see cref="SqliteStorageOptions"/>, for code and configuration alike; <paramref name="nameOf"/> names an option.</summary>
    public static IEnumerable<OptionProblem> Problems(SqliteStorageOptions options, Func<string, string> nameOf)
    {
        if (options.BusyTimeout < TimeSpan.FromMilliseconds(1) || options.BusyTimeout.TotalMilliseconds > int.MaxValue)
        {
            yield return new(nameof(options.BusyTimeout),
                $"{nameOf(nameof(options.BusyTimeout))} is {options.BusyTimeout}; it must be at least 1 millisecond (default 5 seconds).");
        }

        if (options.BusyRetryLimit < 0)
        {
            yield return new(nameof(options.BusyRetryLimit),
                $"{nameOf(nameof(options.BusyRetryLimit))} is {options.BusyRetryLimit}; it must be zero or more (default 5).");
        }
    }

    /// <summary>Why <paramref name="pathOrConnectionString"/> cannot be used, for a message that starts with where it came from; null if it can.</summary>
    public static string? ConnectionProblem(string pathOrConnectionString, SqliteStorageOptions options)
    {
        try
        {
            Create(pathOrConnectionString, options);
            return null;
        }
        catch (ArgumentException error)
        {
            return error.ParamName is { } parameter ? error.Message.Replace($" (Parameter '{parameter}')", "", StringComparison.Ordinal) : error.Message;
        }
    }
}
