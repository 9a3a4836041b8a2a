using JobQueue.Binding;
using JobQueue.Sqlite;
using JobQueue.Sqlite.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace JobQueue;

/// <summary>Chooses the SQLite store inside <c>services.AddJobQueue(q =&gt; ...)</c>.</summary>
public static class SqliteJobQueueBuilderExtensions
{
    /// <summary>The child of the JobQueue configuration section that holds this store's settings: "Sqlite".</summary>
    internal const string SectionKey = "Sqlite";

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
    /// <remarks>
    /// With <see cref="JobQueueBuilder.Configure(Microsoft.Extensions.Configuration.IConfiguration)"/>, the keys of its
    /// <c>Sqlite</c> child (<c>ConnectionString</c> and the options) win over the values given here.
    /// </remarks>
    /// <exception cref="ArgumentException">The path or connection string is invalid, or an option is out of range.</exception>
    public static JobQueueBuilder UseSqlite(this JobQueueBuilder builder, string pathOrConnectionString, Action<SqliteStorageOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new SqliteStorageOptions();
        configure(options);

        // Parsed and validated now, so a typo fails at startup rather than at the first enqueue.
        SqliteSettings.Create(pathOrConnectionString, options);
        return Use(builder, pathOrConnectionString, options);
    }

    /// <summary>
    /// Keeps jobs in a local SQLite file named by configuration: the <c>Sqlite:ConnectionString</c> key of the section
    /// given to <see cref="JobQueueBuilder.Configure(Microsoft.Extensions.Configuration.IConfiguration)"/> (such as
    /// <c>JobQueue:Sqlite:ConnectionString</c>, a path or a connection string), with the options under <c>Sqlite</c>.
    /// </summary>
    /// <param name="builder">The JobQueue builder.</param>
    /// <param name="configure">Changes the <see cref="SqliteStorageOptions"/>; keys the section sets win over it.</param>
    /// <remarks>The section is read when the host starts; a missing or invalid value fails the start, naming its key.</remarks>
    /// <exception cref="ArgumentException">An option given in <paramref name="configure"/> is out of range.</exception>
    public static JobQueueBuilder UseSqlite(this JobQueueBuilder builder, Action<SqliteStorageOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new SqliteStorageOptions();
        configure?.Invoke(options);
        foreach (OptionProblem problem in SqliteSettings.Problems(options, option => $"{nameof(SqliteStorageOptions)}.{option}"))
        {
            throw new ArgumentException(problem.Message, nameof(configure));
        }

        return Use(builder, pathOrConnectionString: null, options);
    }

    private static JobQueueBuilder Use(JobQueueBuilder builder, string? pathOrConnectionString, SqliteStorageOptions options)
    {
        var section = new StoreSection<SqliteStorageOptions>(builder, SectionKey, options, pathOrConnectionString, connectionGivenAs: null,
            codeOnly: [], SqliteSettings.Problems, SqliteSettings.ConnectionProblem);
        builder.UseStorage("SQLite", services =>
        {
            (SqliteStorageOptions resolved, string connectionString) = StoreSection<SqliteStorageOptions>.Resolve(services);
            return new SqliteJobStorage(SqliteSettings.Create(connectionString, resolved), Logger(services));
        });

        // After UseStorage, so a rejected second store registers nothing.
        section.Register(builder.Services);
        return builder;
    }

    private static ILogger Logger(IServiceProvider services) =>
        services.GetService<ILoggerFactory>()?.CreateLogger("JobQueue.Sqlite") ?? NullLogger.Instance;
}
