using System.Text.Json;

namespace JobQueue;

/// <summary>Settings of the client and the worker host, set through <c>AddJobQueue(q =&gt; q.Configure(o =&gt; ...))</c>.</summary>
public sealed partial class JobQueueOptions
{
    /// <summary>The name of the queue that jobs run in unless their type or enqueue says otherwise: "default".</summary>
    public const string DefaultQueueName = "default";

    /// <summary>The default of <see cref="MaxArgumentsSize"/> and <see cref="MaxResultSize"/>: 1 MiB (1,048,576 bytes).</summary>
    public const int DefaultMaxSize = 1024 * 1024;

    /// <summary>Whether this process runs jobs. Set false in a process that only enqueues (a web front end).</summary>
    /// <value>Defaults to true.</value>
    public bool RunWorker { get; set; } = true;

    /// <summary>How many jobs run at once in a queue that was not declared with <c>AddQueue</c>.</summary>
    /// <value>Defaults to 10.</value>
    public int DefaultConcurrency { get; set; } = 10;

    /// <summary>How long a worker's lease on a running job lasts; it is renewed every third of this while the job runs.</summary>
    /// <remarks>A job whose worker died runs again once its lease expires, so shorter means faster recovery and more writes.</remarks>
    /// <value>Defaults to 30 seconds. Positive and at most about 49.7 days, the longest a .NET timer accepts (as for every span below).</value>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a job whose name no handler in this host knows may wait for a host that has one (in a rolling
    /// deployment, old hosts meet new job types). Meanwhile this host hands such a job back without spending an attempt,
    /// and logs once per name; once the job has waited this long, counted from when this host first met it, it fails
    /// for good with an error naming the missing handler, so it cannot wait unseen forever.
    /// </summary>
    /// <value>Defaults to 1 hour.</value>
    public TimeSpan UnknownJobTimeout { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long a handler that ignores its cancelled token may keep running before it is abandoned.</summary>
    /// <value>Defaults to 5 seconds. Zero or more, at most about 49.7 days.</value>
    public TimeSpan TimeoutGrace { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>At shutdown, how long running jobs may take to finish before they are cancelled and their leases given back.</summary>
    /// <value>Defaults to 20 seconds, under the host's own 30-second default. Zero or more, at most about 49.7 days.</value>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How often an idle worker looks for work when the store has no wake-up signal, and how often due scheduled jobs are promoted.</summary>
    /// <value>Defaults to 1 second. Positive, at most about 49.7 days.</value>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often each host looks for jobs whose worker died (expired leases).</summary>
    /// <value>Defaults to 15 seconds. Positive, at most about 49.7 days.</value>
    public TimeSpan RescueInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How often each worker host writes its heartbeat (its queues, their concurrency and its running jobs) to the
    /// store, where <see cref="IJobAdmin.GetHostsAsync"/> lists it. A host that misses three heartbeats is listed as gone,
    /// and its record is pruned an hour after that. A host also writes one at once when it sees a queue paused or resumed.
    /// </summary>
    /// <remarks>Each heartbeat is one small write per host: shorter notices a dead host sooner, at more writes.</remarks>
    /// <value>Defaults to 10 seconds. Positive, at most about 49.7 days.</value>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest delay between two attempts, whatever the backoff computes.</summary>
    /// <value>Defaults to 1 hour. Positive, at most about 49.7 days.</value>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long finished jobs (succeeded, failed, cancelled) are kept for inspection; null keeps them forever.</summary>
    /// <value>Defaults to 7 days. Positive and at most 36,500 days, or null.</value>
    public TimeSpan? Retention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often finished jobs older than <see cref="Retention"/> are pruned, and the records of hosts gone for an hour.</summary>
    /// <value>Defaults to 5 minutes. Positive, at most about 49.7 days.</value>
    public TimeSpan PruneInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How many jobs one fetch may lease at most.</summary>
    /// <value>Defaults to 100.</value>
    public int FetchBatchSize { get; set; } = 100;

    /// <summary>
    /// The largest a job's arguments may be, in bytes of serialized JSON. A larger argument is refused at enqueue
    /// (<see cref="ArgumentException"/> naming the job, the size and this option) and nothing is written. Keep large
    /// data elsewhere (a blob store, a table) and pass its key instead: every fetch, retry and dashboard read moves
    /// the arguments again.
    /// </summary>
    /// <value>Defaults to <see cref="DefaultMaxSize"/> (1 MiB). Null means no limit; otherwise at least 1.</value>
    public int? MaxArgumentsSize { get; set; } = DefaultMaxSize;

    /// <summary>
    /// The largest a job's result may be, in bytes of serialized JSON. A handler that returns more fails its job for
    /// good (no retry, which would return as much again) with an error naming this option.
    /// </summary>
    /// <value>Defaults to <see cref="DefaultMaxSize"/> (1 MiB). Null means no limit; otherwise at least 1.</value>
    public int? MaxResultSize { get; set; } = DefaultMaxSize;

    /// <summary>Serializer options for job arguments and results; supply source-generated type info here.</summary>
    /// <value>Defaults to <see cref="JsonSerializerOptions.Web"/>.</value>
    public JsonSerializerOptions SerializerOptions { get; set; } = JsonSerializerOptions.Web;
}
