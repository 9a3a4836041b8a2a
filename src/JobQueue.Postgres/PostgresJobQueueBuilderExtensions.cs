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
    /// <summary>
    /// Stores jobs in PostgreSQL: workers on many machines share one database. The store opens its own
    /// <see cref="NpgsqlDataSource"/> from <paramref name="connectionString"/> and disposes it with the application.
    /// </summary>
    /// <param name="builder">The JobQueue builder.</param>
    /// <param name="connectionString">An Npgsql connection string, such as "Host=db;Database=app;Username=app;Password=...".</param>
    /// <param name="configure">Sets the schema and migration options.</param>
    /// <exception cref="ArgumentException">The connection string or an option is invalid.</exception>
    public static JobQueueBuilder UsePostgres(this JobQueueBuilder builder, string connectionString,
        Action<PostgresStorageOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        NpgsqlConnectionStringBuilder parsed = ConnectionStrings.Parse(connectionString);
        PostgresStorageOptions options = Configure(configure);
        builder.UseStorage("PostgreSQL", services => new PostgresJobStorage(
            NpgsqlDataSource.Create(ConnectionStrings.WithStoreDefaults(parsed)), ownsDataSource: true, options, Logger(services), services.GetService<TimeProvider>()));
        return AddStartup(builder);
    }

    /// <summary>
    /// Stores jobs in PostgreSQL through a data source the application owns (and disposes), for example one
    /// built with <see cref="NpgsqlDataSourceBuilder"/> or registered by Npgsql.DependencyInjection.
    /// </summary>
    /// <param name="builder">The JobQueue builder.</param>
    /// <param name="dataSource">The data source to open connections from.</param>
    /// <param name="configure">Sets the schema and migration options.</param>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public static JobQueueBuilder UsePostgres(this JobQueueBuilder builder, NpgsqlDataSource dataSource,
        Action<PostgresStorageOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(dataSource);
        PostgresStorageOptions options = Configure(configure);
        builder.UseStorage("PostgreSQL", services => new PostgresJobStorage(
            dataSource, ownsDataSource: false, options, Logger(services), services.GetService<TimeProvider>()));
        return AddStartup(builder);
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
