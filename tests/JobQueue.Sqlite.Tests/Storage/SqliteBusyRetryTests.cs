using JobQueue.Sqlite.Storage;
using JobQueue.Storage;
using JobQueue.TestSupport;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace JobQueue.Sqlite.Tests.Storage;

public sealed class SqliteBusyRetryTests : IDisposable
{
    private readonly TempDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task EnqueueAsync_WriteLockHeldPastAllRetries_ThrowsTimeoutExceptionNamingTheFile()
    {
        SqliteJobStorage store = _database.CreateStore(o =>
        {
            o.BusyTimeout = TimeSpan.FromMilliseconds(50);
            o.BusyRetryLimit = 1;
        });
        await store.GetQueueStatisticsAsync(CancellationToken.None);
        using SqliteConnection other = _database.OpenConnection();
        using SqliteTransaction held = other.BeginTransaction(deferred: false);

        Func<Task> enqueue = async () => await store.EnqueueAsync(TestJobs.Request(TestJobs.New()), CancellationToken.None);

        (await enqueue.Should().ThrowAsync<TimeoutException>().WithMessage($"*'{_database.FilePath}'*BusyRetryLimit*"))
            .Which.InnerException.Should().BeOfType<SqliteException>();
    }

    [Fact]
    public async Task EnqueueAsync_WriteLockHeldPastAllRetries_LogsEachRetryWithItsDelayThenTheGiveUp()
    {
        var logs = new CapturingLoggerProvider();
        SqliteJobStorage store = _database.CreateStore(o =>
        {
            o.BusyTimeout = TimeSpan.FromMilliseconds(50);
            o.BusyRetryLimit = 2;
        }, logs.CreateLogger("JobQueue.Sqlite"));
        await store.GetQueueStatisticsAsync(CancellationToken.None);
        using SqliteConnection other = _database.OpenConnection();
        using SqliteTransaction held = other.BeginTransaction(deferred: false);

        Func<Task> enqueue = async () => await store.EnqueueAsync(TestJobs.Request(TestJobs.New()), CancellationToken.None);

        TimeoutException failure = (await enqueue.Should().ThrowAsync<TimeoutException>()).Which;
        LogEntry[] busy = [.. logs.Entries.Where(e => e.EventId.Id is 5201 or 5202)];
        busy.Select(e => (e.EventId.Id, e.Level)).Should().Equal(
            (5201, LogLevel.Information), (5201, LogLevel.Information), (5202, LogLevel.Warning));
        busy[0].Message.Should().Contain(_database.FilePath).And.Contain("00:00:00.0200000").And.Contain("retry 1 of 2");
        busy[1].Message.Should().Contain("00:00:00.0400000").And.Contain("retry 2 of 2");
        busy[2].Message.Should().Contain(_database.FilePath).And.Contain("3 tries");
        busy[2].Exception.Should().BeSameAs(failure.InnerException);
    }

    [Fact]
    public async Task EnqueueAsync_WriteLockReleasedWhileWaiting_Succeeds()
    {
        SqliteJobStorage store = _database.CreateStore();
        await store.GetQueueStatisticsAsync(CancellationToken.None);
        WriteLockHolder holder = new(_database.OpenConnection());

        // On another thread: the store runs SQLite calls synchronously, so this one would wait out the lock itself.
        Task<IReadOnlyList<EnqueueResult>> enqueue = Task.Run(() => store.EnqueueAsync(TestJobs.Request(TestJobs.New()), CancellationToken.None).AsTask());
        holder.Release();

        (await Deadline.Within(enqueue, "the enqueue after the lock was released")).Should().ContainSingle().Which.Created.Should().BeTrue();
    }

    [Fact]
    public async Task GetJobsAsync_WhileAnotherConnectionWrites_ReadsWithoutWaiting()
    {
        SqliteJobStorage store = _database.CreateStore(o => o.BusyRetryLimit = 0);
        await store.GetQueueStatisticsAsync(CancellationToken.None);
        using SqliteConnection other = _database.OpenConnection();
        using SqliteTransaction held = other.BeginTransaction(deferred: false);

        Task<IReadOnlyList<QueueStatistics>> read = store.GetQueueStatisticsAsync(CancellationToken.None).AsTask();

        (await Deadline.Within(read, "a read beside a writer (WAL)")).Should().BeEmpty();
    }

    /// <summary>Holds the write lock like another process in a long transaction, until released.</summary>
    private sealed class WriteLockHolder
    {
        private readonly SqliteConnection _connection;
        private readonly SqliteTransaction _transaction;

        public WriteLockHolder(SqliteConnection connection)
        {
            _connection = connection;
            _transaction = connection.BeginTransaction(deferred: false);
        }

        public void Release()
        {
            _transaction.Rollback();
            _transaction.Dispose();
            _connection.Dispose();
        }
    }
}
