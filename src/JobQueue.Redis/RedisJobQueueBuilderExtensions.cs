using System.Security.Cryptography.X509Certificates;
using JobQueue.Redis;
using JobQueue.Redis.Resp;

namespace JobQueue;

/// <summary>Adds the Redis store to <c>AddJobQueue</c>.</summary>
public static class RedisJobQueueBuilderExtensions
{
    /// <summary>Keeps jobs in Redis, shared by every host that points at the same server and key prefix.</summary>
    /// <param name="builder">The JobQueue builder.</param>
    /// <param name="connectionString">
    /// <c>host:port,password=...,user=...,defaultDatabase=0,ssl=false,connectTimeout=5000,syncTimeout=5000</c>,
    /// or a <c>redis://user:password@host:port/db</c> (<c>rediss://</c> for TLS) URI. Several endpoints
    /// (<c>host1:port1,host2:port2,...</c>) are tried in order at connect; on Redis Cluster the client follows
    /// MOVED and ASK redirects to the node that owns the key prefix's slot.
    /// </param>
    /// <param name="configure">Sets the key prefix and how the server's TLS certificate is validated.</param>
    /// <exception cref="ArgumentException">
    /// The connection string or the key prefix is invalid, or a TLS setting is given for a connection string without TLS.
    /// </exception>
    public static JobQueueBuilder UseRedis(this JobQueueBuilder builder, string connectionString, Action<RedisStorageOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);

        // Parsed and validated now, so a typo fails at startup and not at the first job.
        RedisConnectionOptions connection = RedisConnectionOptions.Parse(connectionString);
        var options = new RedisStorageOptions();
        configure?.Invoke(options);
        RedisJobStorage.ValidatePrefix(options.KeyPrefix);
        connection = WithCertificateValidation(connection, options);
        return builder.UseStorage("Redis", sp => new RedisJobStorage(
            new RedisClient(connection, (TimeProvider?)sp.GetService(typeof(TimeProvider))), options, ownsClient: true));
    }

    private static RedisConnectionOptions WithCertificateValidation(RedisConnectionOptions connection, RedisStorageOptions options)
    {
        if (options.TrustedCertificateAuthority is null && options.CertificateValidation is null)
        {
            return connection;
        }

        if (!connection.Ssl)
        {
            // Silently connecting in plain text would ignore the one setting that says TLS is expected.
            string setting = options.TrustedCertificateAuthority is not null
                ? nameof(RedisStorageOptions.TrustedCertificateAuthority)
                : nameof(RedisStorageOptions.CertificateValidation);
            throw new ArgumentException(
                $"RedisStorageOptions.{setting} is set, but the connection string does not use TLS; add ssl=true or use a rediss:// URI.",
                "configure");
        }

        return connection with
        {
            // A copy of our own: the caller's instance may be disposed once configuration is done, and the
            // client uses the certificate on every reconnect for the life of the host.
            TrustedCertificateAuthority = options.TrustedCertificateAuthority is { } authority
                ? X509CertificateLoader.LoadCertificate(authority.RawData)
                : null,
            CertificateValidation = options.CertificateValidation,
        };
    }
}
