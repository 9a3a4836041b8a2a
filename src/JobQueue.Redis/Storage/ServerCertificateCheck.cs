using System.Collections.Concurrent;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace JobQueue.Redis.Storage;

/// <summary>
/// Validates the server's TLS certificate for every connection the store opens, and remembers why one was
/// rejected, so the store's errors name the setting that fixes it (a bare handshake failure says only that
/// validation failed).
/// </summary>
/// <remarks>
/// Plugged into StackExchange.Redis as <c>ConfigurationOptions.SslClientAuthenticationOptions</c>, which supersedes
/// the client's own TLS settings: a private CA is trusted through SslStream's custom root trust, which still checks
/// the host name, and the application's callback has the final say.
/// </remarks>
internal sealed class ServerCertificateCheck
{
    private readonly X509Certificate2? _authority;
    private readonly RemoteCertificateValidationCallback? _callback;
    private readonly SslProtocols? _protocols;

    // Per TLS host name, why the last validation for it rejected the certificate (null when it was accepted). The
    // connection attempt's outcome arrives later through ConfigurationOptions.ConnectionAttemptCompleted.
    private readonly ConcurrentDictionary<string, string?> _verdicts = new(StringComparer.OrdinalIgnoreCase);

    public ServerCertificateCheck(X509Certificate2? authority, RemoteCertificateValidationCallback? callback, SslProtocols? protocols)
    {
        _authority = authority;
        _callback = callback;
        _protocols = protocols;
    }

    /// <summary>The options of one TLS handshake with <paramref name="host"/> (the name the certificate must carry).</summary>
    public SslClientAuthenticationOptions CreateAuthenticationOptions(string host)
    {
        // An earlier attempt's verdict is kept: the client retries at once, and its outcome may be reported after the
        // next attempt began. A certificate problem persists across attempts, so the last verdict explains them.
        var authentication = new SslClientAuthenticationOptions
        {
            TargetHost = host,
            RemoteCertificateValidationCallback = (sender, certificate, chain, errors) => Validate(host, sender, certificate, chain, errors),
        };
        if (_protocols is SslProtocols protocols)
        {
            authentication.EnabledSslProtocols = protocols;
        }

        if (_authority is not null)
        {
            // SslStream builds the chain with this policy and still checks the host name itself, so a private
            // CA needs no hand-written chain or name logic here.
            authentication.CertificateChainPolicy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                CustomTrustStore = { _authority },

                // Private CAs rarely publish revocation lists, and SslStream's own default is not to check.
                RevocationMode = X509RevocationMode.NoCheck,
            };
        }

        return authentication;
    }

    /// <summary>Why a TLS handshake with <paramref name="endpoint"/> failed, with the fix when the certificate was the cause.</summary>
    /// <param name="endpoint">The server, as "host:port".</param>
    /// <param name="host">The name the certificate had to carry.</param>
    /// <param name="error">The handshake's exception, if the client reported one.</param>
    /// <returns>The description, and whether it rests on a check of the certificate (rather than no information).</returns>
    public (string Description, bool Checked) DescribeFailure(string endpoint, string? host, Exception? error)
    {
        string prefix = $"TLS with Redis at {endpoint} failed";
        if (host is null || !_verdicts.TryGetValue(host, out string? rejection))
        {
            return ($"{prefix} before the server's certificate was checked ({error?.Message ?? "no detail"}). Check that {endpoint} is the server's tls-port, not its plain-text port.", false);
        }

        return rejection is null ? ($"{prefix}: {error?.Message ?? "the handshake did not complete"}", false) : ($"{prefix}: {rejection}", true);
    }

    private bool Validate(string host, object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        string? rejection = null;
        if (_callback is not null)
        {
            try
            {
                if (!_callback(sender, certificate, chain, errors))
                {
                    rejection = $"RedisStorageOptions.CertificateValidation rejected the server's certificate (standard validation: {errors}).";
                }
            }
            catch (Exception exception)
            {
                // A callback that cannot decide has not accepted the certificate. Rejecting keeps TLS secure, and
                // remembering why lets the connection error name the callback instead of a bare handshake failure.
                rejection = $"RedisStorageOptions.CertificateValidation threw {exception.GetType().Name}, so the server's certificate was rejected: {exception.Message}";
            }
        }
        else if (errors != SslPolicyErrors.None)
        {
            rejection = Describe(host, chain, errors);
        }

        _verdicts[host] = rejection;
        return rejection is null;
    }

    private string Describe(string host, X509Chain? chain, SslPolicyErrors errors)
    {
        string chainStatus = chain is null || chain.ChainStatus.Length == 0
            ? string.Empty
            : string.Join(", ", chain.ChainStatus.Select(static s => s.Status).Distinct());
        var reasons = new List<string>();
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            reasons.Add("the server sent no certificate");
        }

        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors))
        {
            reasons.Add(_authority is not null
                ? $"the server's certificate does not chain to RedisStorageOptions.TrustedCertificateAuthority '{_authority.Subject}' ({chainStatus}); set it to the CA that issued the server's certificate"
                : $"the server's certificate is not trusted by the system ({chainStatus}); if it comes from a private CA, set RedisStorageOptions.TrustedCertificateAuthority to that CA's certificate");
        }

        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            reasons.Add($"the server's certificate does not name '{host}'; connect by a name or address it carries, or set sslHost= to one");
        }

        return string.Join("; and ", reasons) + ".";
    }
}
