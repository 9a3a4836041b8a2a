namespace JobQueue.Redis.Resp;

/// <summary>
/// Keeps one pub/sub connection subscribed to a fixed set of channels, reconnecting with backoff when it
/// is lost. Messages published while it is not subscribed are lost (pub/sub keeps nothing), so every
/// (re)subscription raises <c>onSubscribed</c>: the owner treats it as "anything may have happened".
/// </summary>
/// <remarks>
/// Redis Cluster: the subscription stays on whichever node it was made on (the node the client was on, else
/// the first endpoint that answered) and does not follow the client's MOVED redirects. Classic PUBLISH and
/// SUBSCRIBE are broadcast over the cluster bus to every node, so a message published by a script on the
/// slot's owner reaches a subscriber on any node; moving would only open a gap in which messages are lost.
/// Sharded pub/sub (SSUBSCRIBE) would tie it to the slot's owner and is not used for that reason. A lost
/// subscription reconnects to the node the client is on by then.
/// </remarks>
internal sealed class RespSubscriber : IAsyncDisposable
{
    private readonly RedisClient _client;
    private readonly string[] _channels;
    private readonly Action<string, byte[]> _onMessage;
    private readonly Action _onSubscribed;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _lock = new();
    private TaskCompletionSource _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _loop;
    private int _confirmed;
    private long _epoch;

    public RespSubscriber(RedisClient client, IReadOnlyList<string> channels, Action<string, byte[]> onMessage, Action onSubscribed)
    {
        _client = client;
        _channels = [.. channels];
        _onMessage = onMessage;
        _onSubscribed = onSubscribed;
    }

    /// <summary>Grows by one at every successful (re)subscription.</summary>
    public long Epoch => Interlocked.Read(ref _epoch);

    /// <summary>Completes once every channel is subscribed; starts the subscriber on first use.</summary>
    public Task WaitSubscribedAsync(CancellationToken cancellationToken)
    {
        Task subscribed;
        lock (_lock)
        {
            _loop ??= Task.Run(RunAsync);
            subscribed = _subscribed.Task;
        }

        return subscribed.WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        Task? loop;
        lock (_lock)
        {
            loop = _loop;
        }

        if (loop is not null)
        {
            await loop.ConfigureAwait(false);
        }

        _stopping.Dispose();
    }

    private async Task RunAsync()
    {
        CancellationToken stopping = _stopping.Token;
        int failures = 0;
        while (!stopping.IsCancellationRequested)
        {
            RespConnection? connection = null;
            try
            {
                Volatile.Write(ref _confirmed, 0);
                connection = await _client.ConnectDedicatedAsync(OnPush, stopping).ConfigureAwait(false);
                var subscribe = new RespCommand("SUBSCRIBE");
                foreach (string channel in _channels)
                {
                    subscribe.Add(channel);
                }

                connection.Send(subscribe);
                failures = 0;
                await connection.Closed.WaitAsync(stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                // Disposed.
            }
            catch (RedisConnectionException)
            {
                failures++;
            }
            finally
            {
                lock (_lock)
                {
                    if (_subscribed.Task.IsCompleted)
                    {
                        _subscribed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    }
                }

                if (connection is not null)
                {
                    await connection.DisposeAsync().ConfigureAwait(false);
                }
            }

            if (!stopping.IsCancellationRequested && failures > 0)
            {
                try
                {
                    await Task.Delay(RedisClient.Backoff(failures), stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // Disposed while backing off.
                }
            }
        }

        lock (_lock)
        {
            _subscribed.TrySetException(new ObjectDisposedException(nameof(RespSubscriber)));
        }
    }

    private void OnPush(RespValue push)
    {
        IReadOnlyList<RespValue> items = push.Items;
        string? kind = items[0].AsString();
        if (kind == "message")
        {
            _onMessage(items[1].AsString() ?? string.Empty, items[2].Bytes);
        }
        else if (kind == "subscribe" && Interlocked.Increment(ref _confirmed) == _channels.Length)
        {
            Interlocked.Increment(ref _epoch);
            _onSubscribed();
            lock (_lock)
            {
                _subscribed.TrySetResult();
            }
        }
    }
}
