using JobQueue.Binding;
using JobQueue.Postgres.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace JobQueue;

/// <summary>Chooses PostgreSQL as JobQueue's store.</summary>
public static class PostgresJobQueueBuilderExtensions
{
    /// <summary>The child of the JobQueue configuration section that holds this store's settings: "Postgres".</summary>
    internal const string SectionKey = "Postgres";

    /// <summary>
    /// Stores jobs in PostgreSQL: workers on many machines share one database. The store opens its own
    /// <see cref="NpgsqlDataSource"/> from <paramref name="connectionString"/> and disposes it with the application.
    /// </summary>
    /// <param name="builder">The JobQueue builder.</param>
    /// <param name="connectionString">An Npgsql connection string, such as "Host=db;Database=app;Username=app;Password=...".</param>
    /// <param name="configure">Sets the schema and migration options.</param>
    /// <remarks>
    /// With <see cref="JobQueueBuilder.Configure(Microsoft.Extensions.Configuration.IConfiguration)"/>, the keys of its
    /// <c>Postgres</c> child (<c>ConnectionString</c> and the options) win over the values given here.
    /// </remarks>
    /// <exception cref="ArgumentException">The connection string or an option is invalid.</exception>
    public static JobQueueBuilder UsePostgres(this JobQueueBuilder builder, string connectionString,
        Action<PostgresStorageOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ConnectionStrings.Parse(connectionString);
        return UseOwnDataSource(builder, connectionString, Configure(configure));
    }

    /// <summary>
    /// Stores jobs in PostgreSQL, connecting with the <c>Postgres:ConnectionString</c> key of the section given to
    /// <see cref="JobQueueBuilder.Configure(Microsoft.Extensions.Configuration.IConfiguration)"/> (such as
    /// <c>JobQueue:Postgres:ConnectionString</c>), with the options under <c>Postgres</c>. The store opens its own
    /// <see cref="NpgsqlDataSource"/> and disposes it with the application.
    /// </summary>
    /// <param name="builder">The JobQueue builder.</param>
    /// <param name="configure">Sets the schema and migration options; keys the section sets win over it.</param>
    /// <remarks>The section is read when the host starts; a missing or invalid value fails the start, naming its key.</remarks>
    /// <exception cref="ArgumentException">An option given in <paramref name="configure"/> is invalid.</exception>
    public static JobQueueBuilder UsePostgres(this JobQueueBuilder builder, Action<PostgresStorageOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return UseOwnDataSource(builder, connectionString: null, Configure(configure));
    }

    /// <summary>
    /// Stores jobs in PostgreSQL through a data source the application owns (and disposes), for example one
    /// built with <see cref="NpgsqlDataSourceBuilder"/> or registered by Npgsql.DependencyInjection.
    /// </summary>
    /// <param name="builder">The JobQueue builder.</param>
    /// <param name="dataSource">The data source to open connections from.</param>
    /// <param name="configure">Sets the schema and migration options.</param>
    /// <remarks>
    /// With <see cref="JobQueueBuilder.Configure(Microsoft.Extensions.Configuration.IConfiguration)"/>, the option keys of its
    /// <c>Postgres</c> child win over the values given here; a <c>ConnectionString</c> there fails the host's start.
    /// </remarks>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public static JobQueueBuilder UsePostgres(this JobQueueBuilder builder, NpgsqlDataSource dataSource,
        Action<PostgresStorageOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(dataSource);
        StoreSection<PostgresStorageOptions> section = Section(builder, Configure(configure), connectionString: null, connectionGivenAs: "a data source");
        builder.UseStorage("PostgreSQL", services => new PostgresJobStorage(
            dataSource, ownsDataSource: false, StoreSection<PostgresStorageOptions>.Resolve(services).Options, Logger(services), services.GetService<TimeProvider>()));
        section.Register(builder.Services);
        return AddStartup(builder);
    }

    private static JobQueueBuilder UseOwnDataSource(JobQueueBuilder builder, string? connectionString, PostgresStorageOptions options)
    {
        StoreSection<PostgresStorageOptions> section = Section(builder, options, connectionString, connectionGivenAs: null);
        builder.UseStorage("PostgreSQL", services =>
        {
            (PostgresStorageOptions resolved, string connection) = StoreSection<PostgresStorageOptions>.Resolve(services);
            NpgsqlConnectionStringBuilder parsed = ConnectionStrings.Parse(connection);
            return new PostgresJobStorage(
                NpgsqlDataSource.Create(ConnectionStrings.WithStoreDefaults(parsed)), ownsDataSource: true, resolved, Logger(services), services.GetService<TimeProvider>());
        });
        section.Register(builder.Services);
        return AddStartup(builder);
    }

    private static StoreSection<PostgresStorageOptions> Section(JobQueueBuilder builder, PostgresStorageOptions options, string? connectionString, string? connectionGivenAs)
        => new(builder, SectionKey, options, connectionString, connectionGivenAs, codeOnly: [], PostgresStorageOptions.Problems, ConnectionProblem);

    private static string? ConnectionProblem(string connectionString, PostgresStorageOptions options)
    {
        try
        {
            ConnectionStrings.Parse(connectionString);
            return null;
        }
        catch (ArgumentException error)
        {
            return error.ParamName is { } parameter ? error.Message.Replace($" (Parameter '{parameter}')", "", StringComparison.Ordinal) : error.Message;
        }
    }

    private static PostgresStorageOptions Configure(Action<PostgresStorageOptions>? configure)
    {
        var options = new PostgresStorageOptions();
        configure?.Invoke(options);
        options.Validate();
        return options;
    }

    // Registered before AddJobQueue adds the worker host (hosted services start in order), so the schema is in
    // place before workers fetch; after UseStorage, so a rejected second store registers nothing.
    private static JobQueueBuilder AddStartup(JobQueueBuilder builder)
    {
        builder.Services.AddSingleton<IHostedService, PostgresSchemaStartup>();
        return builder;
    }

    private static ILogger Logger(IServiceProvider services) =>
        services.GetService<ILoggerFactory>()?.CreateLogger("JobQueue.Postgres") ?? NullLogger.Instance;
}
