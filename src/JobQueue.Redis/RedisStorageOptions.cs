using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace JobQueue;

/// <summary>Settings of the Redis store, given to <c>UseRedis(connectionString, o =&gt; ...)</c>.</summary>
public sealed class RedisStorageOptions
{
    /// <summary>
    /// The name every key starts with, wrapped in a hash tag (<c>{jobqueue}:job:...</c>) so all keys of one
    /// deployment live in one Redis Cluster slot and each Lua script touches a single slot. Deployments that
    /// share a server use different prefixes.
    /// </summary>
    /// <value>Defaults to "jobqueue".</value>
    public string KeyPrefix { get; set; } = "jobqueue";

    /// <summary>
    /// The certificate authority the server's TLS certificate must chain to, for a server whose certificate
    /// comes from a private CA (the <c>tls-ca-cert-file</c> of redis.conf). When set, only this CA is trusted:
    /// the system's trust store is not consulted, the host name is still checked against the certificate, and
    /// revocation is not checked. <c>UseRedis</c> keeps its own copy, so the caller may dispose this instance.
    /// </summary>
    /// <value>Defaults to null: the server's certificate is validated against the system's trust store.</value>
    /// <remarks>Requires TLS in the connection string (<c>ssl=true</c> or a <c>rediss://</c> URI).</remarks>
    public X509Certificate2? TrustedCertificateAuthority { get; set; }

    /// <summary>
    /// Decides whether the server's TLS certificate is accepted, for checks the trust store cannot express,
    /// such as pinning a certificate. The callback receives the errors of the standard validation (against
    /// <see cref="TrustedCertificateAuthority"/> when that is set) and its answer is final; it runs on every
    /// connect, including reconnects. A callback that throws rejects the certificate; the connection error
    /// carries the exception's message.
    /// </summary>
    /// <value>Defaults to null: a certificate is accepted only if the standard validation found no error.</value>
    /// <remarks>Requires TLS in the connection string (<c>ssl=true</c> or a <c>rediss://</c> URI).</remarks>
    public RemoteCertificateValidationCallback? CertificateValidation { get; set; }
}
