using JobQueue.Postgres.Storage;
using JobQueue.Storage;
using JobQueue.TestSupport;
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

        // The first wait after LISTEN completes at once, NOTIFY or not; only the next one proves a notification.
        await WakeUps.ConsumeAsync(_store.Storage, "mail");
        Task woken = _store.Storage.WaitForWorkAsync("mail", CancellationToken.None).AsTask();

        await other.EnqueueAsync(Requests.Enqueue(Requests.Job(queue: "mail")), CancellationToken.None);

        await Deadline.Within(woken, "a NOTIFY from the other host");
    }

    [Fact]
    public async Task WaitForWorkAsync_SignalWhileNobodyWaits_NextWaitCompletesAtOnce()
    {
        await WakeUps.ConsumeAsync(_store.Storage, "reports");
        await WakeUps.ConsumeAsync(_store.Storage, "barrier");
        await using PostgresJobStorage other = _store.OtherHost();

        // Nobody waits on reports when its NOTIFY arrives. Notifications arrive in commit order, so once the later
        // enqueue's has woken the barrier's waiter, the reports one has been handled too.
        await other.EnqueueAsync(Requests.Enqueue(Requests.Job(queue: "reports")), CancellationToken.None);
        await other.EnqueueAsync(Requests.Enqueue(Requests.Job(queue: "barrier")), CancellationToken.None);
        await Deadline.Within(_store.Storage.WaitForWorkAsync("barrier", CancellationToken.None).AsTask(), "the NOTIFY of the later enqueue");
        Task kept = _store.Storage.WaitForWorkAsync("reports", CancellationToken.None).AsTask();

        kept.IsCompletedSuccessfully.Should().BeTrue("a signal raised while nobody waited is kept for the next wait");
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
        var logs = new CapturingLoggerProvider();
        await using var storage = new PostgresJobStorage(dataSource, ownsDataSource: false, options, logs.CreateLogger("JobQueue.Postgres"));
        await WakeUps.ConsumeAsync(storage, "q");

        await server.StopAsync();
        Task woken = storage.WaitForWorkAsync("q", CancellationToken.None).AsTask();
        await server.StartAgainAsync();

        // Losing the connection wakes waiters at once (anything may have been missed), and so does listening again.
        // The listener logs 5102 only after that second wake-up: spent then, it leaves only a NOTIFY to wake the
        // wait below, which proves that new work still wakes waiters after the restart.
        await Deadline.Within(woken, "the wake-up on a lost connection");
        await logs.WaitForAsync(e => e.EventId.Id == 5102, "the listener to listen again after the restart (5102)");
        await WakeUps.ConsumePendingAsync(storage, "q");
        Task seen = storage.WaitForWorkAsync("q", CancellationToken.None).AsTask();
        await RetryAsync(() => storage.EnqueueAsync(Requests.Enqueue(Requests.Job(queue: "q")), CancellationToken.None).AsTask());
        await Deadline.Within(seen, "the NOTIFY of an enqueue after the restart");
    }

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
