using System.Collections.Concurrent;
using JobQueue.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace JobQueue.Tests.Hosting;

public sealed class ExecutionScopeTests
{
    public sealed record ScopedArgs(int N);

    /// <summary>A scoped service, like a DbContext: one per execution, disposed when the execution ends.</summary>
    public sealed class UnitOfWork(ConcurrentBag<UnitOfWork> disposed) : IDisposable
    {
        public Guid Id { get; } = Guid.NewGuid();

        public void Dispose() => disposed.Add(this);
    }

    public sealed class ScopedJob(UnitOfWork first, IServiceProvider services, ConcurrentQueue<Guid> seen) : IJob<ScopedArgs>
    {
        public Task ExecuteAsync(ScopedArgs args, JobContext context, CancellationToken cancellationToken)
        {
            // The same scope serves every resolution inside one execution.
            services.GetRequiredService<UnitOfWork>().Id.Should().Be(first.Id);
            seen.Enqueue(first.Id);
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task Execute_EachExecution_GetsItsOwnScopeDisposedAfterwards()
    {
        var disposed = new ConcurrentBag<UnitOfWork>();
        var seen = new ConcurrentQueue<Guid>();
        await using TestHost host = await TestHost.StartAsync(
            q => q.UseInMemory().AddJob<ScopedJob>(),
            s => s.AddSingleton(disposed).AddSingleton(seen).AddScoped<UnitOfWork>());

        JobInfo a = await host.WaitAsync(await host.Client.EnqueueAsync(new ScopedArgs(1)));
        JobInfo b = await host.WaitAsync(await host.Client.EnqueueAsync(new ScopedArgs(2)));

        a.State.Should().Be(JobState.Succeeded);
        b.State.Should().Be(JobState.Succeeded);
        seen.Should().HaveCount(2).And.OnlyHaveUniqueItems();
        disposed.Select(u => u.Id).Should().BeEquivalentTo(seen);
    }
}
