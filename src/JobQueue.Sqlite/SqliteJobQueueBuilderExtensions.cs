using JobQueue.Sqlite.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace JobQueue;

/// <summary>Chooses the SQLite store inside <c>services.AddJobQueue(q =&gt; ...)</c>.</summary>
public static class SqliteJobQueueBuilderExtensions
{
    /// <summary>
    /// Keeps jobs in a local SQLite file: durable across restarts, shared by the processes of one machine.
    /// </summary>
    /// <param name="builder">The JobQueue builder.</param>
    /// <param name="pathOrConnectionString">
    /// A file path such as "jobs.db" (relative paths resolve against the current directory; the folder must
    /// exist), or a connection string such as "Data Source=/var/app/jobs.db".
    /// </param>
    /// <exception cref="ArgumentException">The path or connection string is empty, malformed, or names an in-memory database.</exception>
    public static JobQueueBuilder UseSqlite(this JobQueueBuilder builder, string pathOrConnectionString)
        => UseSqlite(builder, pathOrConnectionString, static _ => { });

    /// <summary>Keeps jobs in a local SQLite file, with settings for busy handling and migrations.</summary>
    /// <param name="builder">The JobQueue builder.</param>
    /// <param name="pathOrConnectionString">A file path such as "jobs.db", or a connection string such as "Data Source=jobs.db".</param>
    /// <param name="configure">Changes the <see cref="SqliteStorageOptions"/>.</param>
    /// <exception cref="ArgumentException">The path or connection string is invalid, or an option is out of range.</exception>
    public static JobQueueBuilder UseSqlite(this JobQueueBuilder builder, string pathOrConnectionString, Action<SqliteStorageOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new SqliteStorageOptions();
        configure(options);

        // Parsed and validated now, so a typo fails at startup rather than at the first enqueue.
        SqliteSettings settings = SqliteSettings.Create(pathOrConnectionString, options);
        return builder.UseStorage("SQLite", services => new SqliteJobStorage(settings, Logger(services)));
    }

    private static ILogger Logger(IServiceProvider services) =>
        services.GetService<ILoggerFactory>()?.CreateLogger("JobQueue.Sqlite") ?? NullLogger.Instance;
}
