using System.Net;
using System.Net.Security;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace JobQueue.Redis.Storage;

/// <summary>
/// The store's StackExchange.Redis connection: either one it makes itself on first use (and closes with the store),
/// or the application's own multiplexer, which it shares and never closes or reconfigures.
/// </summary>
internal sealed class RedisConnection : IAsyncDisposable
{
    private readonly ConfigurationOptions? _options;
    private readonly ServerCertificateCheck? _certificateCheck;
    private readonly ILogger _logger;
    private readonly bool _owns;
    private readonly Lock _lock = new();
    private Task<IConnectionMultiplexer>? _connecting;
    private IConnectionMultiplexer? _multiplexer;
    private volatile string? _lastFailure;
    private volatile bool _everConnected;
    private long _lastAttempt = -1;

    // Completed once an attempt to every configured endpoint has failed: a caller waiting for the first connect is
    // answered then. One endpoint of several failing says nothing yet; another may answer.
    private readonly TaskCompletionSource _attemptFailed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly HashSet<string> _failedEndpoints = new(StringComparer.Ordinal);

    private readonly TlsFailures _tlsFailures = new();
    private bool _disposed;

    /// <summary>How long a woken caller waits for the certificate's verdict when the failure it knows of says nothing about it.</summary>
    private static readonly TimeSpan s_certificateVerdictGrace = TimeSpan.FromSeconds(2);

    private RedisConnection(ConfigurationOptions? options, ServerCertificateCheck? certificateCheck, IConnectionMultiplexer? shared, ILogger logger)
    {
        _options = options;
        _certificateCheck = certificateCheck;
        _multiplexer = shared;
        _owns = shared is null;
        _logger = logger;
        if (shared is not null)
        {
            _everConnected = shared.IsConnected;
            Attach(shared);
        }
    }

    /// <summary>The multiplexer, once there is one (always for a shared one).</summary>
    public IConnectionMultiplexer? Multiplexer => Volatile.Read(ref _multiplexer);

    /// <summary>
    /// Why the last TLS handshake of a connection the store made failed, naming the fix; null when the last attempt
    /// succeeded or TLS is not in use. Errors of commands that could not be sent carry it.
    /// </summary>
    public string? TlsFailure => _tlsFailures.Description;

    /// <summary>Checks that the store can work over a connection made from <paramref name="options"/>.</summary>
    /// <exception cref="ArgumentException">
    /// A TLS setting of <paramref name="storage"/> is given but the connection does not use TLS, or the options set a
    /// channel prefix.
    /// </exception>
    public static void Validate(ConfigurationOptions options, RedisStorageOptions storage)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(storage);
        if ((storage.TrustedCertificateAuthority is not null || storage.CertificateValidation is not null) && !options.Ssl)
        {
            // Silently connecting in plain text would ignore the one setting that says TLS is expected.
            string setting = storage.TrustedCertificateAuthority is not null
                ? nameof(RedisStorageOptions.TrustedCertificateAuthority)
                : nameof(RedisStorageOptions.CertificateValidation);
            throw new ArgumentException(
                $"RedisStorageOptions.{setting} is set, but the connection string does not use TLS; add ssl=true or use a rediss:// URI.",
                "configure");
        }

        RefuseChannelPrefix(options.ChannelPrefix, "options");
    }

    /// <summary>
    /// A connection the store makes and owns, from options it may change (see <see cref="Validate"/>): it never
    /// aborts on a failed first connect (StackExchange.Redis keeps retrying in the background), and the TLS settings
    /// of <paramref name="storage"/> apply.
    /// </summary>
    public static RedisConnection Own(ConfigurationOptions options, RedisStorageOptions storage, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(storage);
        ServerCertificateCheck? check = null;
        if (storage.TrustedCertificateAuthority is not null || storage.CertificateValidation is not null)
        {
            check = new ServerCertificateCheck(storage.TrustedCertificateAuthority, storage.CertificateValidation, options.SslProtocols);
            options.SslClientAuthenticationOptions = check.CreateAuthenticationOptions;
        }

        // The store connects on first use and an application must start while Redis is down: StackExchange.Redis
        // then keeps reconnecting in the background, and commands wait for it (or time out) instead of failing at once.
        options.AbortOnConnectFail = false;
        var connection = new RedisConnection(options, check, shared: null, logger);
        options.ConnectionAttemptCompleted += connection.OnAttemptCompleted;
        return connection;
    }

    /// <summary>The application's multiplexer: used as it is, never closed or reconfigured.</summary>
    /// <exception cref="ArgumentException">The multiplexer has a channel prefix, which the store's scripts cannot publish under.</exception>
    public static RedisConnection Share(IConnectionMultiplexer multiplexer, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(multiplexer);
        RefuseChannelPrefix(ConfigurationOptions.Parse(multiplexer.Configuration, ignoreUnknown: true).ChannelPrefix, nameof(multiplexer));
        return new RedisConnection(options: null, certificateCheck: null, multiplexer, logger);
    }

    /// <summary>
    /// Why a command should not even be tried, or null: the store has never reached Redis (it was down when the
    /// application started) and is not connected now. Such commands fail at once with this reason instead of waiting
    /// in the client's backlog for the command timeout. Once the store has been connected, an outage is left to the
    /// client: its backlog rides out a failover or a restart of a few seconds.
    /// </summary>
    public string? NeverReached => !_everConnected && Volatile.Read(ref _multiplexer) is { IsConnected: false } ? _lastFailure ?? "no connection yet" : null;

    /// <summary>The error of a command refused because the store has never reached Redis (<paramref name="why"/>): it was not sent.</summary>
    public RedisConnectionException NeverReachedError(string why) => _tlsFailures.Description is string tls
        ? new RedisConnectionException(ConnectionFailureType.AuthenticationFailure, CommandFlags.None, tls, null, CommandStatus.WaitingToBeSent)
        : new RedisConnectionException(ConnectionFailureType.UnableToConnect, CommandFlags.None,
            $"The Redis job store cannot reach Redis ({why}); the command was not sent. StackExchange.Redis keeps trying to connect in the background.",
            null, CommandStatus.WaitingToBeSent);

    /// <summary>The multiplexer, connecting first if the store makes its own and has not yet.</summary>
    /// <exception cref="RedisConnectionException">The first connect is still under way and an attempt of it has failed.</exception>
    public ValueTask<IConnectionMultiplexer> GetAsync()
    {
        IConnectionMultiplexer? multiplexer = Volatile.Read(ref _multiplexer);
        return multiplexer is not null ? new ValueTask<IConnectionMultiplexer>(multiplexer) : new ValueTask<IConnectionMultiplexer>(ConnectOrRefuseAsync());
    }

    private async Task<IConnectionMultiplexer> ConnectOrRefuseAsync()
    {
        Task<IConnectionMultiplexer> connecting = ConnectAsync();
        if (!connecting.IsCompleted)
        {
            // StackExchange.Redis returns from its first connect once connected or once its connect timeout ran out
            // (by default the larger of 5 s and syncTimeout), and a refused retry within it can keep it waiting for
            // all of that. Once an attempt has failed the caller is answered at once; the connect goes on meanwhile.
            await Task.WhenAny(connecting, _attemptFailed.Task).ConfigureAwait(false);
            if (!connecting.IsCompleted)
            {
                // Woken by the client's connection-failed event, which can come before the attempt that checked the
                // server's certificate reports: its verdict makes the better error.
                await _tlsFailures.WaitForVerdictAsync(connecting, s_certificateVerdictGrace).ConfigureAwait(false);
            }

            if (!connecting.IsCompleted)
            {
                throw NeverReachedError(_lastFailure ?? "no connection yet");
            }
        }

        return await connecting.ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        Task<IConnectionMultiplexer>? connecting;
        lock (_lock)
        {
            _disposed = true;
            connecting = _connecting;
        }

        IConnectionMultiplexer? multiplexer = Volatile.Read(ref _multiplexer);
        if (multiplexer is null && connecting is not null)
        {
            try
            {
                multiplexer = await connecting.ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is RedisException or ObjectDisposedException)
            {
                // Never connected: nothing to close.
            }
        }

        if (multiplexer is null)
        {
            return;
        }

        Detach(multiplexer);
        if (_owns)
        {
            await multiplexer.CloseAsync(allowCommandsToComplete: true).ConfigureAwait(false);
            await multiplexer.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static void RefuseChannelPrefix(RedisChannel channelPrefix, string parameter)
    {
        if (!channelPrefix.IsNullOrEmpty)
        {
            // Wake-ups are published by the Lua scripts on the server, under the bare channel name; the client
            // would subscribe under the prefix and never hear them.
            throw new ArgumentException(
                $"The Redis connection for the job store has channelPrefix={channelPrefix}; the store publishes wake-ups from its Lua scripts, " +
                "which a client-side channel prefix does not reach. Use a connection without a channel prefix (the store's keys have their own: RedisStorageOptions.KeyPrefix).",
                parameter);
        }
    }

    /// <summary>"host:port", as messages name a server.</summary>
    internal static string Describe(EndPoint? endpoint) => endpoint switch
    {
        null => "(unknown endpoint)",
        DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
        IPEndPoint { Address.AddressFamily: System.Net.Sockets.AddressFamily.InterNetworkV6 } ip => $"[{ip.Address}]:{ip.Port}",
        IPEndPoint ip => $"{ip.Address}:{ip.Port}",
        _ => endpoint.ToString() ?? "(unknown endpoint)",
    };

    private Task<IConnectionMultiplexer> ConnectAsync()
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_connecting is null || _connecting.IsFaulted || _connecting.IsCanceled)
            {
                // Shared by every first caller; a failed attempt is retried by the next caller, not cached.
                _connecting = ConnectCoreAsync();
            }

            return _connecting;
        }
    }

    private async Task<IConnectionMultiplexer> ConnectCoreAsync()
    {
        ConnectionMultiplexer multiplexer = await ConnectionMultiplexer.ConnectAsync(_options!).ConfigureAwait(false);
        Attach(multiplexer);
        if (multiplexer.IsConnected)
        {
            _everConnected = true;
        }
        if (!multiplexer.IsConnected)
        {
            // Later failed reconnects are not reported by the client while the server stays down; this one is.
            RedisLog.ConnectionLost(_logger, "first", string.Join(",", _options!.EndPoints.Select(Describe)), ConnectionFailureType.UnableToConnect.ToString(), null);
        }

        bool disposed;
        lock (_lock)
        {
            disposed = _disposed;
            if (!disposed)
            {
                Volatile.Write(ref _multiplexer, multiplexer);
            }
        }

        if (disposed)
        {
            Detach(multiplexer);
            await multiplexer.DisposeAsync().ConfigureAwait(false);
            throw new ObjectDisposedException(nameof(RedisConnection));
        }

        return multiplexer;
    }

    private void Attach(IConnectionMultiplexer multiplexer)
    {
        multiplexer.ConnectionFailed += OnConnectionFailed;
        multiplexer.ConnectionRestored += OnConnectionRestored;
    }

    private void Detach(IConnectionMultiplexer multiplexer)
    {
        multiplexer.ConnectionFailed -= OnConnectionFailed;
        multiplexer.ConnectionRestored -= OnConnectionRestored;
    }

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e)
    {
        _lastFailure = $"{Describe(e.EndPoint)}: {e.FailureType}";
        _attemptFailed.TrySetResult();
        RedisLog.ConnectionLost(_logger, e.ConnectionType.ToString(), Describe(e.EndPoint), e.FailureType.ToString(), e.Exception);
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        _everConnected = true;
        RedisLog.ConnectionRestored(_logger, Describe(e.EndPoint), e.ConnectionType.ToString());
    }

    private void OnAttemptCompleted(object? sender, ConnectionAttemptCompletedEventArgs e)
    {
        // Outcomes arrive on worker threads, possibly out of order: only the newest counts.
        lock (_lock)
        {
            if (e.SequenceNumber <= _lastAttempt)
            {
                // An older attempt's late outcome: only its verdict on the certificate can still count.
                if (!e.IsSuccess && e.Stage == ConnectionAttemptStage.Tls)
                {
                    (string description, bool checkedCertificate) = DescribeTlsFailure(e);
                    _tlsFailures.Failed(description, checkedCertificate, late: true);
                }

                return;
            }

            _lastAttempt = e.SequenceNumber;
            if (e.IsSuccess)
            {
                _tlsFailures.Connected();
                _everConnected = true;
                return;
            }

            // An attempt the client disposed of itself (to retry at once) says nothing about the server; it must not hide
            // the server's own answer, such as a refused login, from an earlier attempt.
            if (e.FailureType != ConnectionFailureType.ConnectionDisposed || _lastFailure is null)
            {
                _lastFailure = $"{Describe(e.EndPoint)}: {e.FailureType} during {e.Stage}" + (e.Exception is { } error ? $" ({error.Message})" : string.Empty);
            }
            if (e.Stage == ConnectionAttemptStage.Tls)
            {
                (string description, bool checkedCertificate) = DescribeTlsFailure(e);
                _tlsFailures.Failed(description, checkedCertificate, late: false);
            }

            if (e.FailureType != ConnectionFailureType.ConnectionDisposed && _failedEndpoints.Add(Describe(e.EndPoint))
                && _options!.EndPoints.All(endpoint => _failedEndpoints.Contains(Describe(endpoint))))
            {
                // Recorded above first: a caller woken by this reads the reason.
                _attemptFailed.TrySetResult();
            }
        }
    }

    /// <summary>Why a TLS handshake failed, and whether that rests on a check of the certificate.</summary>
    private (string Description, bool Checked) DescribeTlsFailure(ConnectionAttemptCompletedEventArgs e)
    {
        string endpoint = Describe(e.EndPoint);
        if (_certificateCheck is not null)
        {
            return _certificateCheck.DescribeFailure(endpoint, e.TlsHostName, e.Exception);
        }

        string prefix = $"TLS with Redis at {endpoint} failed";
        if (e.ServerCertificatePolicyErrors is not SslPolicyErrors errors)
        {
            return ($"{prefix} before the server's certificate was checked ({e.Exception?.Message ?? "no detail"}). Check that {endpoint} is the server's tls-port, not its plain-text port.", false);
        }

        var reasons = new List<string>();
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            reasons.Add("the server sent no certificate");
        }

        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors))
        {
            reasons.Add($"the server's certificate is not trusted by the system ({e.ServerCertificateChainStatus}); if it comes from a private CA, set RedisStorageOptions.TrustedCertificateAuthority to that CA's certificate");
        }

        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            reasons.Add($"the server's certificate does not name '{e.TlsHostName}'; connect by a name or address it carries, or set sslHost= to one");
        }

        return (reasons.Count == 0
            ? $"{prefix}: {e.Exception?.Message ?? "the certificate was rejected"}"
            : $"{prefix}: {string.Join("; and ", reasons)}.", true);
    }
}
