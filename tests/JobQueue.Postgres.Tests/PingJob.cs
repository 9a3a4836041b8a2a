namespace JobQueue.Postgres.Tests;

public sealed record Ping(int N);

public sealed class PingJob : IJob<Ping>
{
    public Task ExecuteAsync(Ping args, JobContext context, CancellationToken cancellationToken) => Task.CompletedTask;
}
