using Microsoft.Data.Sqlite;

namespace JobQueue.Sqlite;

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

        SqliteConnectionStringBuilder builder;
        if (pathOrConnectionString.Contains('=', StringComparison.Ordinal))
        {
            try
            {
                builder = new SqliteConnectionStringBuilder(pathOrConnectionString);
            }
            catch (ArgumentException ex)
            {
                throw new ArgumentException(
                    $"UseSqlite could not read the connection string '{pathOrConnectionString}': {ex.Message} Pass a file path such as \"jobs.db\" or a connection string such as \"Data Source=jobs.db\".",
                    nameof(pathOrConnectionString), ex);
            }
        }
        else
        {
            builder = new SqliteConnectionStringBuilder { DataSource = pathOrConnectionString };
        }

        if (string.IsNullOrWhiteSpace(builder.DataSource))
        {
            throw new ArgumentException(
                $"The SQLite connection string '{pathOrConnectionString}' names no file; add \"Data Source=jobs.db\".", nameof(pathOrConnectionString));
        }

        if (builder.Mode == SqliteOpenMode.Memory || builder.DataSource == ":memory:")
        {
            throw new ArgumentException(
                $"UseSqlite needs a file, but '{pathOrConnectionString}' is an in-memory database, which is lost with its last connection. Use UseInMemory() for jobs kept in memory.",
                nameof(pathOrConnectionString));
        }

        if (builder.Mode == SqliteOpenMode.ReadOnly)
        {
            throw new ArgumentException(
                $"UseSqlite needs to write, but '{pathOrConnectionString}' opens the database read-only; remove \"Mode=ReadOnly\".", nameof(pathOrConnectionString));
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

    private static void Validate(SqliteStorageOptions options)
    {
        if (options.BusyTimeout < TimeSpan.FromMilliseconds(1) || options.BusyTimeout.TotalMilliseconds > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.BusyTimeout,
                $"SqliteStorageOptions.BusyTimeout is {options.BusyTimeout}; it must be at least 1 millisecond (default 5 seconds).");
        }

        if (options.BusyRetryLimit < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.BusyRetryLimit,
                $"SqliteStorageOptions.BusyRetryLimit is {options.BusyRetryLimit}; it must be zero or more (default 5).");
        }
    }
}
