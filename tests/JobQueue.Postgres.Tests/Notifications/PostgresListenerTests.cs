using JobQueue.Postgres.Storage;
using JobQueue.Storage;
using JobQueue.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace JobQueue.Postgres.Tests.Notifications;

public sealed class PostgresListenerTests : IAsyncLifetime
{
    private PostgresTestStore _store = null!;

    public async Task InitializeAsync() => _store = await PostgresTestStore.CreateAsync();

    public async Task DisposeAsync() => await _store.DisposeAsync();

    [Fact]
    public async Task WaitForWorkAsync_EnqueueOnAnotherHost_Wakes()
    {
        await using PostgresJobStorage other = _store.OtherHost();
        await _store.Storage.WaitForWorkAsync("mail", Deadline.Token()); // consumes the first, possibly spurious, wake-up
        Task woken = _store.Storage.WaitForWorkAsync("mail", Deadline.Token()).AsTask();

        await other.EnqueueAsync(Requests.Enqueue(Requests.Job(queue: "mail")), CancellationToken.None);

        await Deadline.Within(woken, "a NOTIFY from the other host");
    }

    [Fact]
    public async Task WaitForWorkAsync_SignalWhileNobodyWaits_NextWaitCompletesAtOnce()
    {
        await _store.Storage.WaitForWorkAsync("reports", Deadline.Token());
        await using PostgresJobStorage other = _store.OtherHost();
        Task<bool> seen = WaitUntilSignalledAsync("reports");

        await other.EnqueueAsync(Requests.Enqueue(Requests.Job(queue: "reports")), CancellationToken.None);

        (await Deadline.Within(seen, "the kept signal")).Should().BeTrue();
    }

    [Fact]
    public async Task WaitForFinishAsync_JobCompletedByAnotherHost_Completes()
    {
        NewJob job = Requests.Job();
        await _store.Storage.EnqueueAsync(Requests.Enqueue(job), CancellationToken.None);
        await using PostgresJobStorage other = _store.OtherHost();
        StoredJob leased = (await other.FetchAsync(Requests.Fetch(), CancellationToken.None))[0];
        Task finished = _store.Storage.WaitForFinishAsync(job.Id, Deadline.Token()).AsTask();

        await other.CompleteAsync([Requests.Completion(leased)], CancellationToken.None);

        await Deadline.Within(finished, "the finish notification");
    }

    [Fact]
    public async Task WaitForFinishAsync_FinishedOrMissingJob_CompletesAtOnce()
    {
        await Deadline.Within(_store.Storage.WaitForFinishAsync(JobId.New(), Deadline.Token()).AsTask(), "a missing job's wait");
    }

    [Fact]
    public async Task WaitForWorkAsync_ServerRestarts_ListenerReconnectsAndWakesAgain()
    {
        await using PostgresServer server = await PostgresServer.StartAsync(owned: true);
        await using var dataSource = NpgsqlDataSource.Create(server.ConnectionString);
        var options = new PostgresStorageOptions { Schema = PostgresTestStore.NewSchema(), MaxReconnectDelay = TimeSpan.FromMilliseconds(500) };
        await using var storage = new PostgresJobStorage(dataSource, ownsDataSource: false, options, NullLogger.Instance);
        await storage.WaitForWorkAsync("q", Deadline.Token());

        await server.StopAsync();
        Task woken = storage.WaitForWorkAsync("q", Deadline.Token()).AsTask();
        await server.StartAgainAsync();

        // Losing the connection wakes waiters at once (anything may have been missed); after reconnecting, new
        // work still wakes them, and the store serves calls again.
        await Deadline.Within(woken, "the wake-up on a lost connection");
        Task<bool> seen = WaitUntilSignalledAsync("q", storage);
        await RetryAsync(() => storage.EnqueueAsync(Requests.Enqueue(Requests.Job(queue: "q")), CancellationToken.None).AsTask());
        (await Deadline.Within(seen, "a wake-up after the restart")).Should().BeTrue();
    }

    private Task<bool> WaitUntilSignalledAsync(string queue, IJobStorage? storage = null) =>
        (storage ?? _store.Storage).WaitForWorkAsync(queue, Deadline.Token()).AsTask().ContinueWith(t => t.IsCompletedSuccessfully, TaskScheduler.Default);

    private static async Task RetryAsync(Func<Task> action)
    {
        // Pooled connections opened before the restart fail once each; the engine retries the same way.
        using CancellationTokenSource deadline = new(Deadline.Default);
        while (true)
        {
            try
            {
                await action();
                return;
            }
            catch (NpgsqlException) when (!deadline.IsCancellationRequested)
            {
                await Task.Yield();
            }
        }
    }
}
