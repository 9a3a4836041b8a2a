using JobQueue.TestSupport;
using Npgsql;

namespace JobQueue.Postgres.Tests.Transactions;

public sealed class InTransactionTests : IAsyncLifetime
{
    private readonly string _schema = PostgresTestStore.NewSchema();
    private PostgresServer _server = null!;
    private TestHost _host = null!;

    public async Task InitializeAsync()
    {
        _server = await PostgresServer.SharedAsync();
        _host = await TestHost.StartAsync(q => q
            .UsePostgres(_server.ConnectionString, o => o.Schema = _schema)
            .AddJob<PingJob>()
            .Configure(o => o.RunWorker = false));
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await using var connection = new NpgsqlConnection(_server.ConnectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {_schema} CASCADE", connection);
        await drop.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task EnqueueAsync_TransactionCommits_JobExistsOnlyAfterCommit()
    {
        await using var connection = new NpgsqlConnection(_server.ConnectionString);
        await connection.OpenAsync();
        await using NpgsqlTransaction transaction = await connection.BeginTransactionAsync();

        JobId id = await _host.Client.InTransaction(transaction, _schema).EnqueueAsync(new Ping(1));
        JobInfo? beforeCommit = await _host.Client.GetAsync(id);
        await transaction.CommitAsync();
        JobInfo? afterCommit = await _host.Client.GetAsync(id);

        beforeCommit.Should().BeNull();
        afterCommit.Should().NotBeNull();
        afterCommit!.State.Should().Be(JobState.Enqueued);
    }

    [Fact]
    public async Task EnqueueAsync_TransactionRollsBack_JobNeverExists()
    {
        await using var connection = new NpgsqlConnection(_server.ConnectionString);
        await connection.OpenAsync();
        await using NpgsqlTransaction transaction = await connection.BeginTransactionAsync();
        IJobClient jobs = _host.Client.InTransaction(transaction, _schema);

        JobId single = await jobs.EnqueueAsync(new Ping(1));
        IReadOnlyList<JobId> many = await jobs.EnqueueManyAsync([new Ping(2), new Ping(3)]);
        BatchId batch = await jobs.StartBatchAsync(b =>
        {
            b.Enqueue(new Ping(4));
            b.OnSuccess(new Ping(5));
        });
        await transaction.RollbackAsync();

        (await _host.Client.GetAsync(single)).Should().BeNull();
        (await _host.Client.GetAsync(many[0])).Should().BeNull();
        (await _host.Client.GetBatchAsync(batch)).Should().BeNull();
    }

    [Fact]
    public async Task EnqueueAsync_FailureInsideCallersTransaction_LeavesItUsable()
    {
        await using var connection = new NpgsqlConnection(_server.ConnectionString);
        await connection.OpenAsync();
        await using NpgsqlTransaction transaction = await connection.BeginTransactionAsync();
        IJobClient jobs = _host.Client.InTransaction(transaction, _schema);
        JobId kept = await jobs.EnqueueAsync(new Ping(1));

        // A unique violation inside the bulk path rolls back to its savepoint, not the caller's whole transaction.
        await using (var blocker = new NpgsqlCommand($"CREATE UNIQUE INDEX blocker ON {_schema}.jobs (name) WHERE queue = 'default'", connection, transaction))
        {
            await blocker.ExecuteNonQueryAsync();
        }

        Func<Task> failing = async () => await jobs.EnqueueManyAsync([new Ping(2), new Ping(3)]);
        await failing.Should().ThrowAsync<PostgresException>();
        await transaction.CommitAsync();

        (await _host.Client.GetAsync(kept)).Should().NotBeNull();
    }

    [Fact]
    public async Task EnqueueAsync_TransactionCommittedMeanwhile_ThrowsAndWritesNothing()
    {
        await using var connection = new NpgsqlConnection(_server.ConnectionString);
        await connection.OpenAsync();
        NpgsqlTransaction transaction = await connection.BeginTransactionAsync();
        IJobClient jobs = _host.Client.InTransaction(transaction, _schema);
        await transaction.CommitAsync();

        Func<Task> act = async () => await jobs.EnqueueAsync(new Ping(1));

        await act.Should().ThrowAsync<InvalidOperationException>();
        (await _host.Storage.QueryJobsAsync(new JobQueue.Storage.JobQuery { Limit = 100, CountLimit = 0 }, CancellationToken.None)).Jobs.Should().BeEmpty();
    }
}
