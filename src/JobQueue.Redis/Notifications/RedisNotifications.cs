using JobQueue.Redis.Storage;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace JobQueue.Redis.Notifications;

/// <summary>
/// The store's pub/sub: the work channel (a queue name per message, published by the scripts when jobs become
/// ready), the done channel (finished job ids) and the changed channel (ids of jobs started, progressed or made due
/// again). Messages published while the subscription is down are gone,
/// so every (re)subscription raises <c>onSubscribed</c>, which the owner treats as "anything may have happened".
/// </summary>
/// <remarks>
/// StackExchange.Redis renews subscriptions by itself after a reconnect: it queues the SUBSCRIBE commands, then
/// raises ConnectionRestored. A PING on the subscription connection is answered after those commands, so once it
/// returns the channels are live again, and only then are waiters told to look at the queues themselves.
/// Classic PUBLISH and SUBSCRIBE are broadcast over a Redis Cluster's bus, so a message published by a script on
/// the slot's owner reaches a subscription on any node.
/// </remarks>
internal sealed class RedisNotifications : IAsyncDisposable
{
    private readonly RedisConnection _connection;
    private readonly RedisChannel _workChannel;
    private readonly RedisChannel _doneChannel;
    private readonly RedisChannel _changedChannel;
    private readonly Action<RedisChannel, RedisValue> _onWork;
    private readonly Action<RedisChannel, RedisValue> _onDone;
    private readonly Action<RedisChannel, RedisValue> _onChanged;
    private readonly Action _onSubscribed;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private Task? _subscribing;
    private IConnectionMultiplexer? _multiplexer;
    private long _epoch;
    private bool _disposed;

    public RedisNotifications(RedisConnection connection, string workChannel, string doneChannel, string changedChannel,
        Action<RedisValue> onWork, Action<RedisValue> onDone, Action<RedisValue> onChanged, Action onSubscribed, ILogger logger)
    {
        _connection = connection;
        _workChannel = RedisChannel.Literal(workChannel);
        _doneChannel = RedisChannel.Literal(doneChannel);
        _changedChannel = RedisChannel.Literal(changedChannel);

        // Handlers run on the client's worker threads, never on its socket reader, so a woken waiter may go on
        // inline with its fetch without holding up other messages.
        _onWork = (_, message) => onWork(message);
        _onDone = (_, message) => onDone(message);
        _onChanged = (_, message) => onChanged(message);
        _onSubscribed = onSubscribed;
        _logger = logger;
    }

    /// <summary>Grows by one at every (re)subscription; 0 before the first.</summary>
    public long Epoch => Interlocked.Read(ref _epoch);

    /// <summary>Completes once every channel is subscribed; subscribes on first use.</summary>
    /// <remarks>A failed subscribe (the server is down) is tried again by the next call.</remarks>
    public Task EnsureSubscribedAsync(CancellationToken cancellationToken)
    {
        Task subscribing;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_subscribing is null || _subscribing.IsFaulted || _subscribing.IsCanceled)
            {
                _subscribing = SubscribeAsync();
            }

            subscribing = _subscribing;
        }

        return subscribing.IsCompletedSuccessfully ? Task.CompletedTask : subscribing.WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        Task? subscribing;
        IConnectionMultiplexer? multiplexer;
        lock (_lock)
        {
            _disposed = true;
            subscribing = _subscribing;
            multiplexer = _multiplexer;
        }

        if (subscribing is null || multiplexer is null)
        {
            return;
        }

        multiplexer.ConnectionRestored -= OnConnectionRestored;
        try
        {
            // Only this store's handlers: other users of a shared multiplexer keep their subscriptions.
            ISubscriber subscriber = multiplexer.GetSubscriber();
            await subscriber.UnsubscribeAsync(_workChannel, _onWork).ConfigureAwait(false);
            await subscriber.UnsubscribeAsync(_doneChannel, _onDone).ConfigureAwait(false);
            await subscriber.UnsubscribeAsync(_changedChannel, _onChanged).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            // The server is gone: the handlers are removed on the client side either way.
        }
    }

    private async Task SubscribeAsync()
    {
        IConnectionMultiplexer multiplexer = await _connection.GetAsync().ConfigureAwait(false);
        lock (_lock)
        {
            if (_multiplexer is null)
            {
                _multiplexer = multiplexer;
                multiplexer.ConnectionRestored += OnConnectionRestored;
            }
        }

        ISubscriber subscriber = multiplexer.GetSubscriber();
        await subscriber.SubscribeAsync(_workChannel, _onWork).ConfigureAwait(false);
        await subscriber.SubscribeAsync(_doneChannel, _onDone).ConfigureAwait(false);
        await subscriber.SubscribeAsync(_changedChannel, _onChanged).ConfigureAwait(false);
        Subscribed();
    }

    private void Subscribed()
    {
        Interlocked.Increment(ref _epoch);
        _onSubscribed();
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        IConnectionMultiplexer? multiplexer;
        lock (_lock)
        {
            multiplexer = !_disposed && _subscribing is { IsCompletedSuccessfully: true } ? _multiplexer : null;
        }

        if (multiplexer is not null)
        {
            _ = RenewedAsync(multiplexer);
        }
    }

    private async Task RenewedAsync(IConnectionMultiplexer multiplexer)
    {
        try
        {
            // Answered after the client's re-issued SUBSCRIBE commands on the same connection (see the remarks).
            await multiplexer.GetSubscriber().PingAsync().ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            // Lost again: the next restore tries again. Meanwhile the engine polls.
            RedisLog.ResubscribeFailed(_logger, exception);
            return;
        }

        Subscribed();
    }
}
