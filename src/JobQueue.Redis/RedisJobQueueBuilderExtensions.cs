using System.Security.Cryptography.X509Certificates;
using JobQueue.Binding;
using JobQueue.Redis;
using JobQueue.Redis.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace JobQueue;

/// <summary>Adds the Redis store to <c>AddJobQueue</c>.</summary>
public static class RedisJobQueueBuilderExtensions
{
    /// <summary>
    /// Keeps jobs in Redis, shared by every host that points at the same server and key prefix. The store makes its
    /// own StackExchange.Redis connection on first use and closes it with the application.
    /// </summary>
    /// <param name="builder">The JobQueue builder.</param>
    /// <param name="connectionString">
    /// A StackExchange.Redis configuration string, such as <c>host:6379,password=...,ssl=true,defaultDatabase=0</c>
    /// (every option of <see cref="ConfigurationOptions"/> works), or a <c>redis://user:password@host:port/db</c> URI
    /// (<c>rediss://</c> for TLS). Several endpoints (<c>host1:7000,host2:7000</c>) serve Redis Cluster or a failover
    /// pair. The store always connects in the background: <c>abortConnect</c> is ignored.
    /// </param>
    /// <param name="configure">Sets the key prefix and how the server's TLS certificate is validated.</param>
    /// <exception cref="ArgumentException">
    /// The connection string or the key prefix is invalid, or a TLS setting is given for a connection string without TLS.
    /// </exception>
    public static JobQueueBuilder UseRedis(this JobQueueBuilder builder, string connectionString, Action<RedisStorageOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);

        // Parsed and validated now, so a typo fails at startup and not at the first job.
        ConfigurationOptions parsed = RedisConnectionString.Parse(connectionString);
        RedisStorageOptions options = Configure(configure);
        RedisConnection.Validate(parsed, options);
        return UseOwnConnection(builder, connectionString, connectionGivenAs: null, services => RedisConnectionString.Parse(Resolve(services).ConnectionString), options);
    }

    /// <summary>
    /// Keeps jobs in Redis, connecting with the <c>Redis:ConnectionString</c> key of the section given to
    /// <see cref="JobQueueBuilder.Configure(Microsoft.Extensions.Configuration.IConfiguration)"/> (such as
    /// <c>JobQueue:Redis:ConnectionString</c>, in either form <see cref="UseRedis(JobQueueBuilder, string, Action{RedisStorageOptions})"/>
    /// takes), with the options under <c>Redis</c>. The store makes its own connection on first use and closes it with the application.
    /// </summary>
    /// <param name="builder">The JobQueue builder.</param>
    /// <param name="configure">Sets the key prefix and how the server's TLS certificate is validated; keys the section sets win over it.</param>
    /// <remarks>The section is read when the host starts; a missing or invalid value fails the start, naming its key.</remarks>
    /// <exception cref="ArgumentException">The key prefix given in <paramref name="configure"/> is invalid.</exception>
    public static JobQueueBuilder UseRedis(this JobQueueBuilder builder, Action<RedisStorageOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return UseOwnConnection(builder, connectionString: null, connectionGivenAs: null,
            services => RedisConnectionString.Parse(Resolve(services).ConnectionString), Configure(configure));
    }

    /// <summary>
    /// Keeps jobs in Redis, connecting with StackExchange.Redis options built in code. The store copies
    /// <paramref name="configuration"/> (later changes to it have no effect), makes its own connection on first use,
    /// and closes it with the application.
    /// </summary>
    /// <param name="builder">The JobQueue builder.</param>
    /// <param name="configuration">Where and how to connect; the store sets <c>AbortOnConnectFail</c> to false on its copy.</param>
    /// <param name="configure">Sets the key prefix and how the server's TLS certificate is validated.</param>
    /// <exception cref="ArgumentException">
    /// The options name no endpoint, the key prefix is invalid, or a TLS setting is given for options without TLS.
    /// </exception>
    public static JobQueueBuilder UseRedis(this JobQueueBuilder builder, ConfigurationOptions configuration, Action<RedisStorageOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        if (configuration.EndPoints.Count == 0)
        {
            throw new ArgumentException("The ConfigurationOptions given to UseRedis name no endpoint; add one, such as options.EndPoints.Add(\"127.0.0.1\", 6379).", nameof(configuration));
        }

        RedisStorageOptions options = Configure(configure);
        ConfigurationOptions copy = configuration.Clone();
        RedisConnection.Validate(copy, options);
        return UseOwnConnection(builder, connectionString: null, connectionGivenAs: "ConfigurationOptions", _ => copy, options);
    }

    /// <summary>
    /// Keeps jobs in Redis over the application's own connection, such as the multiplexer its cache or SignalR
    /// backplane uses. The store shares it: it never closes or reconfigures it, and other users of it keep working.
    /// </summary>
    /// <param name="builder">The JobQueue builder.</param>
    /// <param name="multiplexer">
    /// Returns the connection, from the application's services, when the store is first needed; for example
    /// <c>sp =&gt; sp.GetRequiredService&lt;IConnectionMultiplexer&gt;()</c>. It must not set a channel prefix.
    /// </param>
    /// <param name="configure">Sets the key prefix. TLS is the connection's own business: the TLS settings are refused.</param>
    /// <exception cref="ArgumentException">The key prefix is invalid, or a TLS setting is given.</exception>
    public static JobQueueBuilder UseRedis(this JobQueueBuilder builder, Func<IServiceProvider, IConnectionMultiplexer> multiplexer, Action<RedisStorageOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(multiplexer);
        RedisStorageOptions options = Configure(configure);
        if (options.TrustedCertificateAuthority is not null || options.CertificateValidation is not null)
        {
            throw new ArgumentException(
                "RedisStorageOptions.TrustedCertificateAuthority and CertificateValidation apply to a connection the store makes; " +
                "a connection the application gives is used as it is. Set TLS on that connection's ConfigurationOptions (TrustIssuer, CertificateValidation).",
                nameof(configure));
        }

        StoreSection<RedisStorageOptions> section = Section(builder, options, connectionString: null, connectionGivenAs: "a connection (IConnectionMultiplexer)");
        builder.UseStorage("Redis", services =>
        {
            RedisStorageOptions resolved = Resolve(services).Options;
            IConnectionMultiplexer connection = multiplexer(services)
                ?? throw new InvalidOperationException("The multiplexer factory given to UseRedis returned null; return the application's IConnectionMultiplexer.");
            ILogger logger = Logger(services);
            return new RedisJobStorage(RedisConnection.Share(connection, logger), resolved, logger);
        });
        section.Register(builder.Services);
        return builder;
    }

    private static JobQueueBuilder UseOwnConnection(JobQueueBuilder builder, string? connectionString, string? connectionGivenAs,
        Func<IServiceProvider, ConfigurationOptions> connect, RedisStorageOptions options)
    {
        if (options.TrustedCertificateAuthority is { } authority)
        {
            // A copy of our own, made now: the caller may dispose its instance once configuration is done, and the
            // store uses the certificate on every reconnect for the life of the host.
            options.TrustedCertificateAuthority = X509CertificateLoader.LoadCertificate(authority.RawData);
        }

        StoreSection<RedisStorageOptions> section = Section(builder, options, connectionString, connectionGivenAs);
        builder.UseStorage("Redis", services =>
        {
            RedisStorageOptions resolved = Resolve(services).Options;
            ILogger logger = Logger(services);

            // A copy per store: the store adds its own settings and event handlers to it.
            return new RedisJobStorage(RedisConnection.Own(connect(services).Clone(), resolved, logger), resolved, logger);
        });
        section.Register(builder.Services);
        return builder;
    }

    private static StoreSection<RedisStorageOptions> Section(JobQueueBuilder builder, RedisStorageOptions options, string? connectionString, string? connectionGivenAs)
        => new(builder, SectionKey, options, connectionString, connectionGivenAs,
            codeOnly: [nameof(RedisStorageOptions.TrustedCertificateAuthority), nameof(RedisStorageOptions.CertificateValidation)],
            RedisStorageRules.Problems, RedisStorageRules.ConnectionProblem);

    private static (RedisStorageOptions Options, string ConnectionString) Resolve(IServiceProvider services)
        => StoreSection<RedisStorageOptions>.Resolve(services);

    private static RedisStorageOptions Configure(Action<RedisStorageOptions>? configure)
    {
        var options = new RedisStorageOptions();
        configure?.Invoke(options);
        RedisJobStorage.ValidatePrefix(options.KeyPrefix);
        return options;
    }

    /// <summary>The child of the JobQueue configuration section that holds this store's settings: "Redis".</summary>
    internal const string SectionKey = "Redis";

    private static ILogger Logger(IServiceProvider services) =>
        (services.GetService(typeof(ILoggerFactory)) as ILoggerFactory)?.CreateLogger("JobQueue.Redis") ?? NullLogger.Instance;
}
