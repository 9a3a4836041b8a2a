using JobQueue.Postgres.Storage;
using JobQueue.Storage;
using JobQueue.TestSupport;
using Npgsql;

namespace JobQueue.Postgres.Tests.Storage;

/// <summary>
/// The queue's pause lock: a pause waits for the fetches of its queue under way, so every fetch is ordered wholly
/// before the pause or wholly after it. A fetch held open in a transaction makes the race deterministic.
/// </summary>
public sealed class PostgresPauseLockTests : IAsyncLifetime
{
    private PostgresTestStore _store = null!;

    public async Task InitializeAsync() => _store = await PostgresTestStore.CreateAsync();

    public async Task DisposeAsync() => await _store.DisposeAsync();

    [Fact]
    public async Task PauseQueueAsync_FetchOfTheQueueNotCommittedYet_WaitsForItThenLaterFetchesLeaseNothing()
    {
        NewJob first = Requests.Job();
        NewJob second = Requests.Job();
        await _store.Storage.EnqueueAsync(Requests.Enqueue(first, second), CancellationToken.None);
        await using NpgsqlConnection connection = await _store.DataSource.OpenConnectionAsync();
        await using NpgsqlTransaction transaction = await connection.BeginTransactionAsync();
        var inTransaction = new PostgresTransactionStorage(transaction, _store.Schema);
        IReadOnlyList<StoredJob> leasedBefore = await inTransaction.FetchAsync(Requests.Fetch(limit: 1), CancellationToken.None);

        Task<bool> pause = _store.Storage.PauseQueueAsync(new PauseQueueRequest { Queue = "default", Now = Requests.Now }, CancellationToken.None).AsTask();
        Task waiting = WaitForAdvisoryLockWaitAsync();
        Task firstDone = await Deadline.Within(Task.WhenAny(pause, waiting), "the pause to return or to wait for the fetch's lock");
        bool returnedBeforeTheFetchCommitted = firstDone == pause;
        await transaction.CommitAsync();
        bool paused = await Deadline.Within(pause, "the pause once the fetch committed");
        IReadOnlyList<StoredJob> leasedAfter = await _store.Storage.FetchAsync(Requests.Fetch(limit: 10), CancellationToken.None);

        leasedBefore.Select(j => j.Id).Should().Equal(first.Id);
        returnedBeforeTheFetchCommitted.Should().BeFalse("a pause returns only after the fetches of its queue under way");
        paused.Should().BeTrue();
        leasedAfter.Should().BeEmpty();
        (await _store.ScalarAsync("SELECT count(*) FROM {s}.jobs WHERE state = 2")).Should().Be(1, "the fetch ordered before the pause kept its job");
    }

    /// <summary>Completes once a session waits for this schema's pause lock of the default queue (the pause, behind the fetch).</summary>
    private async Task WaitForAdvisoryLockWaitAsync()
    {
        // A bigint advisory key shows in pg_locks as its high half (classid) and low half (objid), with objsubid 1.
        long key = new PostgresSql(_store.Schema).PausedQueueLock("default");
        string waiting = $"SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND objsubid = 1 "
            + $"AND classid = {(uint)(key >> 32)} AND objid = {(uint)key}";
        using var deadline = new CancellationTokenSource(Deadline.Default);
        while (await _store.ScalarAsync(waiting) == 0)
        {
            await Task.Delay(20, deadline.Token);
        }
    }
}
