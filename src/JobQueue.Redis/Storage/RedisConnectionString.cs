using System.Globalization;
using StackExchange.Redis;

namespace JobQueue.Redis.Storage;

/// <summary>
/// Reads the connection strings <c>UseRedis</c> accepts into StackExchange.Redis options: its own syntax
/// (<c>host:port[,host2:port2],password=...,ssl=true,...</c>), or a <c>redis://user:password@host:port/db</c> URI
/// (<c>rediss://</c> for TLS), which StackExchange.Redis does not read itself.
/// </summary>
internal static class RedisConnectionString
{
    private const int DefaultPort = 6379;

    // Settings whose values messages may show; any other value (a password, a token, a misspelled keyword that may
    // hold either) is masked.
    private static readonly HashSet<string> s_shownSettings = new(StringComparer.OrdinalIgnoreCase)
    {
        "ssl", "sslHost", "sslProtocols", "connectTimeout", "syncTimeout", "asyncTimeout", "commandTimeout", "responseTimeout",
        "defaultDatabase", "name", "abortConnect", "serviceName", "protocol", "keepAlive", "connectRetry", "allowAdmin",
        "resolveDns", "checkCertificateRevocation", "configCheckSeconds", "channelPrefix", "version", "proxy", "tiebreaker",
        "configChannel", "user", "highPrioritySocketThreads", "setlib", "heartbeatInterval", "heartbeatConsistencyChecks",
    };

    /// <summary>Parses a connection string or URI.</summary>
    /// <exception cref="ArgumentException">The text is empty or not understood; the message names the bad part and never a password.</exception>
    public static ConfigurationOptions Parse(string connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new ArgumentException("The Redis connection string is empty; expected \"127.0.0.1:6379\" or \"redis://host:6379/0\".", nameof(connectionString));
        }

        string text = connectionString.Trim();
        ConfigurationOptions options = text.StartsWith("redis://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("rediss://", StringComparison.OrdinalIgnoreCase)
            ? ParseUri(text)
            : ParseList(text);
        if (options.EndPoints.Count == 0)
        {
            throw Bad(text, "it names no endpoint; start it with host:port, such as 127.0.0.1:6379");
        }

        // StackExchange.Redis's default waits up to about 10 s between reconnect attempts, so a restarted server went
        // unused for up to 15 s; a job store should be back within a couple of seconds. A connection string cannot set
        // a retry policy, so this one is the store's; options built in code keep theirs.
        options.ReconnectRetryPolicy = new ExponentialRetry(deltaBackOffMilliseconds: 250, maxDeltaBackOffMilliseconds: 2_000);

        if (options.DefaultDatabase is < 0)
        {
            throw Bad(text, $"defaultDatabase={options.DefaultDatabase} is negative; databases are numbered from 0");
        }

        if (!string.IsNullOrEmpty(options.SslHost) && !options.Ssl)
        {
            // sslHost only means something for TLS; accepting it alone would connect in plain text to a
            // server the user expects to verify.
            throw Bad(text, $"sslHost={options.SslHost} is set but TLS is off; add ssl=true, or remove sslHost");
        }

        return options;
    }

    /// <summary>Keeps passwords out of exception messages and logs, in both syntaxes.</summary>
    public static string Redact(string text)
    {
        int scheme = text.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            // By position, not through Uri: a URI that Uri cannot parse (a bad port, no host, a space or a raw '@'
            // in the password) is exactly the kind that ends up in a message. Everything up to the last '@' is
            // user information, the password included.
            int at = text.LastIndexOf('@');
            return at > scheme ? string.Concat(text.AsSpan(0, scheme + 3), "***", text.AsSpan(at)) : text;
        }

        return string.Join(',', text.Split(',').Select(static part =>
        {
            int equals = part.IndexOf('=', StringComparison.Ordinal);
            return equals > 0 && !s_shownSettings.Contains(part[..equals].Trim()) ? part[..(equals + 1)] + "***" : part;
        }));
    }

    private static ConfigurationOptions ParseList(string text)
    {
        foreach (string part in text.Split(','))
        {
            // StackExchange.Redis drops an endpoint whose port it cannot read and takes port 0; both would leave the
            // store without the server the user named.
            string endpoint = part.Trim();
            if (endpoint.Length > 0 && !endpoint.Contains('=', StringComparison.Ordinal) && EndpointProblem(endpoint) is string problem)
            {
                throw Bad(text, problem);
            }
        }

        try
        {
            // commandTimeout was this store's own name for what StackExchange.Redis calls syncTimeout and
            // asyncTimeout; connection strings written for earlier versions keep working.
            string translated = string.Join(',', text.Split(',').Select(static part =>
            {
                int equals = part.IndexOf('=', StringComparison.Ordinal);
                if (equals <= 0 || !part[..equals].Trim().Equals("commandTimeout", StringComparison.OrdinalIgnoreCase))
                {
                    return part;
                }

                // Checked here: StackExchange.Redis would name syncTimeout, a keyword the string does not contain.
                string value = part[(equals + 1)..].Trim();
                return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out _)
                    ? $"syncTimeout={value},asyncTimeout={value}"
                    : throw new ArgumentException($"Keyword 'commandTimeout' requires an integer value; the value '{value}' is not recognised.");
            }));
            return ConfigurationOptions.Parse(translated);
        }
        catch (ArgumentException exception)
        {
            // StackExchange.Redis names the keyword and the bad value; only the string around it needs redacting.
            string message = exception.Message;
            int parameter = message.IndexOf(" (Parameter '", StringComparison.Ordinal);
            // The exception is not kept as the inner one: its message quotes the bad value, which Bad scrubs only here.
            throw Bad(text, parameter > 0 ? message[..parameter] : message);
        }
    }

    private static ConfigurationOptions ParseUri(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out Uri? uri) || string.IsNullOrEmpty(uri.Host))
        {
            throw Bad(text, "it is not a valid URI; expected redis://[user:password@]host[:port][/database]");
        }

        var options = new ConfigurationOptions { Ssl = uri.Scheme.Equals("rediss", StringComparison.OrdinalIgnoreCase) };
        if (uri.UserInfo.Length > 0)
        {
            int colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                // redis://secret@host is the common password-only form.
                options.Password = Uri.UnescapeDataString(uri.UserInfo);
            }
            else
            {
                string user = Uri.UnescapeDataString(uri.UserInfo[..colon]);
                options.User = user.Length == 0 ? null : user;
                options.Password = Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
            }
        }

        string path = uri.AbsolutePath.Trim('/');
        if (path.Length > 0)
        {
            options.DefaultDatabase = int.TryParse(path, NumberStyles.None, CultureInfo.InvariantCulture, out int database)
                ? database
                : throw Bad(text, $"the path '/{path}' is not a database number");
        }

        options.EndPoints.Add(uri.Host.Trim('[', ']'), uri.IsDefaultPort || uri.Port < 0 ? DefaultPort : uri.Port);
        return options;
    }

    /// <summary>What is wrong with an endpoint (host, host:port, [IPv6]:port or a bare IPv6 address), or null.</summary>
    private static string? EndpointProblem(string endpoint)
    {
        string? port;
        if (endpoint.StartsWith('['))
        {
            int close = endpoint.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                return $"the endpoint '{endpoint}' has no closing ']'";
            }

            string rest = endpoint[(close + 1)..];
            if (rest.Length > 0 && !rest.StartsWith(':'))
            {
                return $"the endpoint '{endpoint}' is not host:port";
            }

            port = rest.Length > 0 ? rest[1..] : null;
        }
        else
        {
            int colon = endpoint.LastIndexOf(':');

            // No port, or a bare IPv6 address whose colons are not a port separator.
            port = colon < 0 || endpoint.IndexOf(':', StringComparison.Ordinal) != colon ? null : endpoint[(colon + 1)..];
            if (colon == 0)
            {
                return $"the endpoint '{endpoint}' has no host";
            }
        }

        return port is null || (int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out int number) && number is > 0 and <= 65535)
            ? null
            : $"the endpoint '{endpoint}' has an invalid port '{port}' (1 to 65535)";
    }

    private static ArgumentException Bad(string text, string problem)
    {
        string message = $"The Redis connection string '{Redact(text)}' is invalid: {problem.TrimEnd('.')}.";

        // A password typed into the wrong keyword (connectTimeout=..., ssl=...) is quoted by the echo and by
        // StackExchange.Redis's own message; every secret the string holds is masked wherever it shows up. Very short
        // values are left alone: masking "1" would garble ports and numbers and hide nothing worth hiding.
        foreach (string secret in Secrets(text))
        {
            if (secret.Length >= 4)
            {
                message = message.Replace(secret, "***", StringComparison.Ordinal);
            }
        }

        return new ArgumentException(message, "connectionString");
    }

    /// <summary>The values Redact masks: user information of a URI, or the values of settings not known to be shown.</summary>
    private static IEnumerable<string> Secrets(string text)
    {
        int scheme = text.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            int at = text.LastIndexOf('@');
            if (at > scheme + 3)
            {
                string userInfo = text[(scheme + 3)..at];
                int colon = userInfo.IndexOf(':', StringComparison.Ordinal);
                yield return colon < 0 ? userInfo : userInfo[(colon + 1)..];
                if (colon >= 0)
                {
                    // Unescaped too: the message may quote either form.
                    yield return Uri.UnescapeDataString(userInfo[(colon + 1)..]);
                }
            }

            yield break;
        }

        foreach (string part in text.Split(','))
        {
            int equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0 && !s_shownSettings.Contains(part[..equals].Trim()))
            {
                yield return part[(equals + 1)..].Trim();
            }
        }
    }
}
