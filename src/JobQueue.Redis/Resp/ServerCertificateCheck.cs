using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace JobQueue.Redis.Resp;

/// <summary>
/// Validates the server's TLS certificate for one connection attempt and remembers why it was rejected, so
/// the connection error can name the setting that fixes it (SslStream only says that validation failed).
/// </summary>
internal sealed class ServerCertificateCheck
{
    private readonly RedisConnectionOptions _options;
    private bool _checked;
    private SslPolicyErrors _errors;
    private string _chainStatus = string.Empty;
    private bool _rejectedByCallback;
    private Exception? _callbackError;

    public ServerCertificateCheck(RedisConnectionOptions options)
    {
        _options = options;
    }

    /// <summary>The name the certificate must carry: sslHost, or the host connected to.</summary>
    public string TargetHost => _options.SslHost ?? _options.Host;

    public SslClientAuthenticationOptions CreateAuthenticationOptions()
    {
        var authentication = new SslClientAuthenticationOptions
        {
            TargetHost = TargetHost,
            RemoteCertificateValidationCallback = Validate,
        };
        if (_options.TrustedCertificateAuthority is X509Certificate2 authority)
        {
            // SslStream builds the chain with this policy and still checks the host name itself, so a private
            // CA needs no hand-written chain or name logic here.
            authentication.CertificateChainPolicy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                CustomTrustStore = { authority },

                // Private CAs rarely publish revocation lists, and SslStream's own default is not to check.
                RevocationMode = X509RevocationMode.NoCheck,
            };
        }

        return authentication;
    }

    /// <summary>The message for a failed TLS handshake, with the fix when the certificate was the cause.</summary>
    public string DescribeFailure(string endpoint, AuthenticationException exception)
    {
        string prefix = $"TLS with Redis at {endpoint} failed";
        if (!_checked)
        {
            return $"{prefix} before the server's certificate was checked ({exception.Message}). Check that {endpoint} is the server's tls-port, not its plain-text port.";
        }

        if (_callbackError is not null)
        {
            return $"{prefix}: RedisStorageOptions.CertificateValidation threw {_callbackError.GetType().Name}, so the server's certificate was rejected: {_callbackError.Message}";
        }

        if (_rejectedByCallback)
        {
            return $"{prefix}: RedisStorageOptions.CertificateValidation rejected the server's certificate (standard validation: {_errors}).";
        }

        var reasons = new List<string>();
        if (_errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            reasons.Add("the server sent no certificate");
        }

        if (_errors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors))
        {
            reasons.Add(_options.TrustedCertificateAuthority is { } authority
                ? $"the server's certificate does not chain to RedisStorageOptions.TrustedCertificateAuthority '{authority.Subject}' ({_chainStatus}); set it to the CA that issued the server's certificate"
                : $"the server's certificate is not trusted by the system ({_chainStatus}); if it comes from a private CA, set RedisStorageOptions.TrustedCertificateAuthority to that CA's certificate");
        }

        if (_errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            reasons.Add($"the server's certificate does not name '{TargetHost}'; connect by a name or address it carries, or set sslHost= to one");
        }

        return reasons.Count == 0
            ? $"{prefix}: {exception.Message}"
            : $"{prefix}: {string.Join("; and ", reasons)}.";
    }

    private bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        _checked = true;
        _errors = errors;
        _chainStatus = chain is null || chain.ChainStatus.Length == 0
            ? string.Empty
            : string.Join(", ", chain.ChainStatus.Select(static s => s.Status).Distinct());
        if (_options.CertificateValidation is { } callback)
        {
            try
            {
                _rejectedByCallback = !callback(sender, certificate, chain, errors);
            }
            catch (Exception exception)
            {
                // A callback that cannot decide has not accepted the certificate. Rejecting keeps TLS secure,
                // and remembering why lets the connection error name the callback instead of a bare handshake
                // failure.
                _callbackError = exception;
                _rejectedByCallback = true;
            }

            return !_rejectedByCallback;
        }

        return errors == SslPolicyErrors.None;
    }
}
