using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace JobQueue.Sqlite.Tests.Transactions;

public sealed class SqliteJobClientExtensionsTests : IDisposable
{
    private readonly TempDatabase _database = new();
    private readonly ServiceProvider _services;
    private readonly IJobClient _jobs;

    public SqliteJobClientExtensionsTests()
    {
        _services = new ServiceCollection()
            .AddJobQueue(q =>
            {
                q.UseSqlite(_database.FilePath);
                q.AddJob<GreetJob>();
                q.Configure(o => o.RunWorker = false);
            })
            .BuildServiceProvider();
        _jobs = _services.GetRequiredService<IJobClient>();
    }

    public void Dispose()
    {
        _services.Dispose();
        _database.Dispose();
    }

    [Fact]
    public async Task InTransaction_Committed_JobExistsWithTheApplicationsRow()
    {
        await _jobs.GetAsync(JobId.New());
        using SqliteConnection connection = _database.OpenConnection();
        Execute(connection, null, "CREATE TABLE users (name TEXT NOT NULL);");

        JobId id;
        using (SqliteTransaction transaction = connection.BeginTransaction())
        {
            Execute(connection, transaction, "INSERT INTO users (name) VALUES ('ada');");
            id = await _jobs.InTransaction(transaction).EnqueueAsync(new Greet("ada"));
            transaction.Commit();
        }

        JobInfo? job = await _jobs.GetAsync(id);
        job.Should().NotBeNull();
        job!.State.Should().Be(JobState.Enqueued);
    }

    [Fact]
    public async Task InTransaction_RolledBack_JobDoesNotExist()
    {
        await _jobs.GetAsync(JobId.New());
        using SqliteConnection connection = _database.OpenConnection();

        JobId id;
        using (SqliteTransaction transaction = connection.BeginTransaction())
        {
            IJobClient inTransaction = _jobs.InTransaction(transaction);
            id = await inTransaction.EnqueueAsync(new Greet("bob"));
            (await inTransaction.GetAsync(id)).Should().NotBeNull("the transaction sees its own writes");
            transaction.Rollback();
        }

        (await _jobs.GetAsync(id)).Should().BeNull();
    }

    [Fact]
    public async Task InTransaction_DatabaseWithoutJobQueueTables_ThrowsNamingTheFix()
    {
        using var other = new TempDatabase();
        using SqliteConnection connection = other.OpenConnection();
        using SqliteTransaction transaction = connection.BeginTransaction();

        Func<Task> enqueue = async () => await _jobs.InTransaction(transaction).EnqueueAsync(new Greet("eve"));

        await enqueue.Should().ThrowAsync<InvalidOperationException>().WithMessage("*no JobQueue tables*GetMigrationScript*");
    }

    [Fact]
    public void InTransaction_CompletedTransaction_ThrowsArgumentException()
    {
        using SqliteConnection connection = _database.OpenConnection();
        SqliteTransaction transaction = connection.BeginTransaction();
        transaction.Commit();

        Action create = () => _jobs.InTransaction(transaction);

        create.Should().Throw<ArgumentException>().WithMessage("*already been committed or rolled back*");
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}

public sealed record Greet(string Name);

public sealed class GreetJob : IJob<Greet>
{
    public Task ExecuteAsync(Greet args, JobContext context, CancellationToken cancellationToken) => Task.CompletedTask;
}
