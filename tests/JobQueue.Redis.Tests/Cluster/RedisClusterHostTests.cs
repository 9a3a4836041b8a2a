using JobQueue.Redis.Storage;
using JobQueue.Storage;
using JobQueue.TestSupport;
using JobQueue.TestSupport.Jobs;
using Microsoft.Extensions.DependencyInjection;
using static JobQueue.Redis.Tests.StoreRequests;

namespace JobQueue.Redis.Tests.Cluster;

/// <summary>The Redis store on a real Redis Cluster, entered through a node that does not own the deployment's slot.</summary>
[Collection(RedisClusterCollection.Name)]
public sealed class RedisClusterHostTests
{
    private readonly RedisClusterFixture _fixture;

    public RedisClusterHostTests(RedisClusterFixture fixture)
    {
        _fixture = fixture;
    }

    [Fact]
    public async Task WorkerHost_PointedAtNodeNotOwningSlot_RunsJobAndBatchWithCallback()
    {
        (string prefix, _, _, int other) = await _fixture.NewPrefixAsync(Deadline.Token());
        var probe = new Probe();
        await using TestHost host = await TestHost.StartAsync(
            q => q.UseRedis(RedisCluster.Endpoint(other), o => o.KeyPrefix = prefix).AddTestJobs(),
            s => s.AddSingleton(probe));

        JobInfo job = await host.WaitAsync(await host.Client.EnqueueAsync(new AddArgs(2, 3)));
        BatchId batchId = await host.Client.StartBatchAsync(b =>
        {
            for (int i = 0; i < 20; i++)
            {
                b.Enqueue(new ChildArgs($"c{i}"));
            }

            b.OnSuccess(new CallbackArgs("dispatch"));
        });
        await probe.WaitAsync("dispatch");
        BatchInfo? batch = await host.Client.GetBatchAsync(batchId);
        JobInfo callback = await host.WaitAsync(batch!.SuccessJobId!.Value);

        job.State.Should().Be(JobState.Succeeded);
        job.GetResult<Sum>().Should().Be(new Sum(5));
        probe.Count("child").Should().Be(20);
        probe.Events.Should().Contain("dispatch:succeeded=20:failed=0:pending=0");
        batch.State.Should().Be(BatchState.Succeeded);
        callback.State.Should().Be(JobState.Succeeded);
    }

    [Fact]
    public async Task WorkerHost_FirstEndpointUnreachable_RunsJobThroughNextNode()
    {
        (string prefix, _, _, int other) = await _fixture.NewPrefixAsync(Deadline.Token());
        string connectionString = $"{RedisCluster.UnreachableEndpoint()},{RedisCluster.Endpoint(other)},connectTimeout=2000";
        await using TestHost host = await TestHost.StartAsync(
            q => q.UseRedis(connectionString, o => o.KeyPrefix = prefix).AddTestJobs(),
            s => s.AddSingleton(new Probe()));

        JobInfo job = await host.WaitAsync(await host.Client.EnqueueAsync(new AddArgs(4, 5)));

        job.State.Should().Be(JobState.Succeeded);
        job.GetResult<Sum>().Should().Be(new Sum(9));
    }

    [Fact]
    public async Task WaitForWorkAsync_SubscribedOnNodeNotOwningSlot_WakesOnEnqueue()
    {
        (string prefix, _, int owner, int other) = await _fixture.NewPrefixAsync(Deadline.Token());
        await using RedisJobStorage worker = RedisStores.Create(RedisCluster.Endpoint(other), prefix);
        await using RedisJobStorage producer = RedisStores.Create(RedisCluster.Endpoint(owner), prefix);

        // Its first wait returns at once (a new subscription wakes every waiter); the second can only end by a
        // message. The enqueue's PUBLISH runs in a script on the slot's owner and reaches the worker wherever its
        // subscription is, because cluster pub/sub is broadcast to every node.
        await Deadline.Within(worker.WaitForWorkAsync("default", Deadline.Token()).AsTask(), "the wake-up of a new subscription");
        Task wait = worker.WaitForWorkAsync("default", Deadline.Token()).AsTask();
        await producer.EnqueueAsync(new EnqueueRequest { Jobs = [Job()], Now = T0 }, Deadline.Token());

        await Deadline.Within(wait, "the wake-up published on another cluster node");
    }
}
