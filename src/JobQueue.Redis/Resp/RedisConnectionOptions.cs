using System.Globalization;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace JobQueue.Redis.Resp;

/// <summary>
/// Where and how to connect, parsed from the StackExchange.Redis style
/// <c>host:port[,host2:port2...],password=...,user=...,defaultDatabase=0,ssl=false,connectTimeout=5000,syncTimeout=5000</c>
/// or from a <c>redis://user:password@host:port/db</c> or <c>rediss://</c> URI.
/// </summary>
/// <remarks>
/// <see cref="Host"/> and <see cref="Port"/> are the server one connection goes to; <see cref="Endpoints"/> are
/// every address the connection string names, tried in order at connect (Redis Cluster seed nodes, say).
/// </remarks>
internal sealed record RedisConnectionOptions
{
    public const int DefaultPort = 6379;

    private readonly IReadOnlyList<RedisEndpoint>? _endpoints;

    public required string Host { get; init; }

    public int Port { get; init; } = DefaultPort;

    /// <summary>Every endpoint of the connection string, in its order; defaults to <see cref="Host"/>:<see cref="Port"/> alone.</summary>
    public IReadOnlyList<RedisEndpoint> Endpoints
    {
        get => _endpoints ?? [new RedisEndpoint(Host, Port)];
        init => _endpoints = value;
    }

    public string? User { get; init; }

    public string? Password { get; init; }

    public int Database { get; init; }

    public bool Ssl { get; init; }

    /// <summary>The name the server's certificate must carry; defaults to <see cref="Host"/>.</summary>
    public string? SslHost { get; init; }

    /// <summary>
    /// The only CA the server's certificate may chain to; null uses the system's trust store. Not part of
    /// the connection string (a certificate is not text): set from <c>RedisStorageOptions</c>.
    /// </summary>
    public X509Certificate2? TrustedCertificateAuthority { get; init; }

    /// <summary>The user's final say on the server's certificate; null accepts it when validation found no error.</summary>
    public RemoteCertificateValidationCallback? CertificateValidation { get; init; }

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(5);

    public string? ClientName { get; init; }

    /// <summary>Parses a connection string or URI.</summary>
    /// <exception cref="ArgumentException">The text is empty or not understood; the message names the bad part.</exception>
    public static RedisConnectionOptions Parse(string connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new ArgumentException("The Redis connection string is empty; expected \"127.0.0.1:6379\" or \"redis://host:6379/0\".", nameof(connectionString));
        }

        string text = connectionString.Trim();
        return text.StartsWith("redis://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("rediss://", StringComparison.OrdinalIgnoreCase)
            ? ParseUri(text)
            : ParseList(text);
    }

    private static RedisConnectionOptions ParseUri(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out Uri? uri) || string.IsNullOrEmpty(uri.Host))
        {
            throw Bad(text, "it is not a valid URI; expected redis://[user:password@]host[:port][/database]");
        }

        string? user = null;
        string? password = null;
        if (uri.UserInfo.Length > 0)
        {
            int colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                // redis://secret@host is the common password-only form.
                password = Uri.UnescapeDataString(uri.UserInfo);
            }
            else
            {
                user = Uri.UnescapeDataString(uri.UserInfo[..colon]);
                password = Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
                user = user.Length == 0 ? null : user;
            }
        }

        int database = 0;
        string path = uri.AbsolutePath.Trim('/');
        if (path.Length > 0 && !int.TryParse(path, NumberStyles.None, CultureInfo.InvariantCulture, out database))
        {
            throw Bad(text, $"the path '/{path}' is not a database number");
        }

        string host = uri.Host.Trim('[', ']');
        return new RedisConnectionOptions
        {
            Host = host,
            Port = uri.IsDefaultPort || uri.Port < 0 ? DefaultPort : uri.Port,
            User = user,
            Password = password,
            Database = database,
            Ssl = uri.Scheme.Equals("rediss", StringComparison.OrdinalIgnoreCase),
        };
    }

    private static RedisConnectionOptions ParseList(string text)
    {
        var endpoints = new List<RedisEndpoint>();
        var options = new RedisConnectionOptions { Host = string.Empty };
        foreach (string rawPart in text.Split(','))
        {
            string part = rawPart.Trim();
            if (part.Length == 0)
            {
                continue;
            }

            int equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals < 0)
            {
                // Several endpoints are seeds: the client connects to the first that answers and follows
                // Redis Cluster redirects from there, so they need not be the primary.
                (string host, int port) = ParseEndpoint(text, part);
                endpoints.Add(new RedisEndpoint(host, port));
                continue;
            }

            string key = part[..equals].Trim();
            string value = part[(equals + 1)..].Trim();
            options = key.ToUpperInvariant() switch
            {
                "PASSWORD" => options with { Password = value },
                "USER" => options with { User = value },
                "DEFAULTDATABASE" => options with { Database = ParseInt(text, key, value, 0) },
                "SSL" => options with { Ssl = ParseBool(text, key, value) },
                "SSLHOST" => options with { SslHost = value },
                "CONNECTTIMEOUT" => options with { ConnectTimeout = ParseMilliseconds(text, key, value) },
                "SYNCTIMEOUT" or "ASYNCTIMEOUT" or "COMMANDTIMEOUT" => options with { CommandTimeout = ParseMilliseconds(text, key, value) },
                "NAME" => options with { ClientName = value },

                // Accepted so connection strings written for StackExchange.Redis work unchanged: this client
                // always retries in the background, so a failed first connect never aborts anything.
                "ABORTCONNECT" => Validated(ParseBool(text, key, value), options),
                _ => throw Bad(text, $"'{key}' is not a known setting; known: password, user, defaultDatabase, ssl, sslHost, connectTimeout, syncTimeout, asyncTimeout, name, abortConnect"),
            };
        }

        if (endpoints.Count == 0)
        {
            throw Bad(text, "it names no endpoint; start it with host:port, such as 127.0.0.1:6379");
        }

        if (options.SslHost is not null && !options.Ssl)
        {
            // sslHost only means something for TLS; accepting it alone would connect in plain text to a
            // server the user expects to verify.
            throw Bad(text, $"sslHost={options.SslHost} is set but TLS is off; add ssl=true, or remove sslHost");
        }

        return options with { Host = endpoints[0].Host, Port = endpoints[0].Port, Endpoints = endpoints.Distinct().ToArray() };
    }

    private static (string Host, int Port) ParseEndpoint(string text, string endpoint)
    {
        // [::1]:6379, host:6379, host, or a bare IPv6 address.
        if (endpoint.StartsWith('['))
        {
            int close = endpoint.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                throw Bad(text, $"the endpoint '{endpoint}' has no closing ']'");
            }

            string host = endpoint[1..close];
            string rest = endpoint[(close + 1)..];
            return rest.Length == 0 ? (host, DefaultPort)
                : rest.StartsWith(':') ? (host, ParsePort(text, endpoint, rest[1..]))
                : throw Bad(text, $"the endpoint '{endpoint}' is not host:port");
        }

        int colon = endpoint.LastIndexOf(':');
        if (colon < 0 || endpoint.IndexOf(':', StringComparison.Ordinal) != colon)
        {
            // No port, or a bare IPv6 address whose colons are not a port separator.
            return (endpoint, DefaultPort);
        }

        string name = endpoint[..colon];
        if (name.Length == 0)
        {
            throw Bad(text, $"the endpoint '{endpoint}' has no host");
        }

        return (name, ParsePort(text, endpoint, endpoint[(colon + 1)..]));
    }

    private static RedisConnectionOptions Validated(bool parsed, RedisConnectionOptions options)
    {
        _ = parsed;
        return options;
    }

    private static int ParsePort(string text, string endpoint, string value)
        => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int port) && port is > 0 and <= 65535
            ? port
            : throw Bad(text, $"the endpoint '{endpoint}' has an invalid port '{value}' (1 to 65535)");

    private static int ParseInt(string text, string key, string value, int min)
        => int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int number) && number >= min
            ? number
            : throw Bad(text, $"{key}={value} is not a whole number of at least {min}");

    private static bool ParseBool(string text, string key, string value)
        => bool.TryParse(value, out bool flag) ? flag : throw Bad(text, $"{key}={value} is not true or false");

    private static TimeSpan ParseMilliseconds(string text, string key, string value)
        => TimeSpan.FromMilliseconds(ParseInt(text, key, value, 1));

    private static ArgumentException Bad(string text, string problem)
        => new($"The Redis connection string '{Redact(text)}' is invalid: {problem}.", "connectionString");

    /// <summary>Keeps passwords out of exception messages and logs.</summary>
    private static string Redact(string text)
    {
        if (text.Contains("://", StringComparison.Ordinal) && Uri.TryCreate(text, UriKind.Absolute, out Uri? uri) && uri.UserInfo.Length > 0)
        {
            return text.Replace(uri.UserInfo, "***", StringComparison.Ordinal);
        }

        return string.Join(',', text.Split(',').Select(static part =>
            part.TrimStart().StartsWith("password=", StringComparison.OrdinalIgnoreCase) ? "password=***" : part));
    }
}
