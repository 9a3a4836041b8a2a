using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace JobQueue.TestSupport;

/// <summary>
/// A throwaway certificate authority and a server certificate it issued for 127.0.0.1 and localhost, written
/// as PEM files (ca.crt, server.crt, server.key) for redis-server's tls-* settings. Made in process with
/// <see cref="CertificateRequest"/>, so tests need no openssl and no trust-store changes.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    private TestCertificates(string folder, X509Certificate2 authority, X509Certificate2 server)
    {
        AuthorityFile = Path.Combine(folder, "ca.crt");
        CertificateFile = Path.Combine(folder, "server.crt");
        KeyFile = Path.Combine(folder, "server.key");
        Authority = authority;
        Server = server;
    }

    /// <summary>The CA's certificate, without its private key: what a client trusts.</summary>
    public X509Certificate2 Authority { get; }

    /// <summary>The server's certificate, without its private key.</summary>
    public X509Certificate2 Server { get; }

    /// <summary>The CA's certificate as PEM.</summary>
    public string AuthorityFile { get; }

    /// <summary>The server's certificate as PEM.</summary>
    public string CertificateFile { get; }

    /// <summary>The server's private key as PEM (PKCS#8).</summary>
    public string KeyFile { get; }

    /// <summary>Creates the CA and the server certificate and writes their PEM files into <paramref name="folder"/>.</summary>
    public static TestCertificates Create(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        Directory.CreateDirectory(folder);

        // A day either side keeps the certificates valid whatever the clock skew between machine and test.
        DateTimeOffset notBefore = DateTimeOffset.UtcNow.AddDays(-1);
        DateTimeOffset notAfter = DateTimeOffset.UtcNow.AddDays(1);

        using ECDsa authorityKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var authorityRequest = new CertificateRequest("CN=JobQueue Test CA " + Guid.NewGuid().ToString("N")[..8], authorityKey, HashAlgorithmName.SHA256);
        authorityRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        authorityRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        authorityRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(authorityRequest.PublicKey, critical: false));
        using X509Certificate2 authority = authorityRequest.CreateSelfSigned(notBefore, notAfter);

        using ECDsa serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest("CN=localhost", serverKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        serverRequest.CertificateExtensions.Add(names.Build());
        serverRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        serverRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, critical: true));
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false)); // serverAuth
        serverRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(authority, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        byte[] serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F; // a positive serial number, as RFC 5280 requires
        using X509Certificate2 server = serverRequest.Create(authority, notBefore, notAfter, serial);

        var certificates = new TestCertificates(
            folder,
            X509CertificateLoader.LoadCertificate(authority.RawData),
            X509CertificateLoader.LoadCertificate(server.RawData));
        File.WriteAllText(certificates.AuthorityFile, authority.ExportCertificatePem());
        File.WriteAllText(certificates.CertificateFile, server.ExportCertificatePem());
        File.WriteAllText(certificates.KeyFile, serverKey.ExportPkcs8PrivateKeyPem());
        return certificates;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Authority.Dispose();
        Server.Dispose();
    }
}
