using JobQueue.Binding;
using JobQueue.Registration;
using Microsoft.Extensions.Configuration;

namespace JobQueue;

// Settings read from IConfiguration (appsettings.json, environment variables, ...).
public sealed partial class JobQueueBuilder
{
    /// <summary>The key under which the section holds the queues, one child section per queue name.</summary>
    internal const string QueuesKey = "Queues";

    /// <summary>The key under which the section holds the job types' options, one child section per job name.</summary>
    internal const string JobsKey = "Jobs";

    /// <summary>The child sections of the built-in stores; each store reads its own, the others are left alone.</summary>
    internal static readonly string[] StoreKeys = ["InMemory", "Sqlite", "Postgres", "Redis"];

    // The dashboard's options, bound where the dashboard is mapped (MapJobQueueDashboard), not here.
    private const string DashboardKey = "Dashboard";

    // What configuration can never set: serializer settings are code (source-generated type info).
    private static readonly string[] s_codeOnly = [nameof(JobQueueOptions.SerializerOptions)];

    private InMemoryStorageOptions? _inMemoryOptions;

    /// <summary>The configuration section given to <see cref="Configure(IConfiguration)"/>, or null; stores read their child section from it.</summary>
    public IConfiguration? Configuration { get; private set; }

    /// <summary>
    /// Reads the options from a configuration section, such as <c>builder.Configuration.GetSection("JobQueue")</c>: the
    /// <see cref="JobQueueOptions"/> at its root, queues under <c>Queues:&lt;name&gt;</c> (<see cref="QueueOptions"/>), job types
    /// under <c>Jobs:&lt;job name&gt;</c> (<see cref="JobOptions"/>), and the
    /// store's settings under a child named after it (<c>Sqlite</c>, <c>Postgres</c>, <c>Redis</c>, <c>InMemory</c>).
    /// </summary>
    /// <remarks>
    /// A key the section sets wins over the value code gives, whatever the order of the calls; code's values are the
    /// defaults for keys the section leaves out. The section is read once, when <c>AddJobQueue</c> runs (the store's part
    /// when the host starts): later changes need a restart. A value that does not convert, a key that names no option, a
    /// queue that nothing declares, a job name that no job has, and a value out of range fail the host's start with the key's path.
    /// </remarks>
    /// <param name="configuration">The section; the root configuration works too (its keys then have no prefix).</param>
    /// <exception cref="InvalidOperationException">A section was given already.</exception>
    public JobQueueBuilder Configure(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (Configuration is not null)
        {
            throw new InvalidOperationException("Configure(IConfiguration) was called twice; give JobQueue one section, such as builder.Configuration.GetSection(\"JobQueue\").");
        }

        Configuration = configuration;
        return this;
    }

    /// <summary>The in-memory store's options, for configuration to bind onto; null when another store is used.</summary>
    internal InMemoryStorageOptions? InMemoryOptions => _inMemoryOptions;

    /// <summary>
    /// Sets what the section names onto the options code built, and returns every problem found on the way (values that
    /// do not convert, unknown keys, undeclared queues) for the host to report when it starts.
    /// </summary>
    /// <param name="registry">The registered jobs, whose options <c>Jobs:&lt;name&gt;</c> changes.</param>
    internal List<string> ApplyConfiguration(JobRegistry registry)
    {
        var failures = new List<string>();
        if (Configuration is not { } section)
        {
            return failures;
        }

        OptionsBinding.Bind(Options, section, s_codeOnly, [QueuesKey, JobsKey, DashboardKey, .. StoreKeys], failures);
        BindJobs(section.GetSection(JobsKey), registry, enqueueOnly: !Options.RunWorker, failures);

        // After the jobs: a job that configuration moves to another queue makes that queue one the host serves.
        BindQueues(section.GetSection(QueuesKey), registry, failures);
        if (_inMemoryOptions is not null && section.GetSection("InMemory") is { } inMemory && inMemory.Exists())
        {
            OptionsBinding.Bind(_inMemoryOptions, inMemory, [], [], failures);
        }

        return failures;
    }

    // enqueueOnly: the process runs no worker. A section naming no registered job is then the options of a job this
    // process only enqueues, read when it first enqueues that arguments type (JobFactory), so a web process can share
    // the worker's appsettings. With a worker such a section is most likely a typo, and fails the start.
    private static void BindJobs(IConfigurationSection jobs, JobRegistry registry, bool enqueueOnly, List<string> failures)
    {
        foreach (IConfigurationSection job in jobs.GetChildren())
        {
            if (registry.TryGet(job.Key, out JobRegistration? registration))
            {
                OptionsBinding.Bind(registration.Options, job, [], [], failures);
            }
            else if (!enqueueOnly)
            {
                failures.Add(
                    $"{job.Path} names no registered job. Jobs are named by [JobName] on their arguments type, else its full name; " +
                    $"the jobs are: {string.Join(", ", registry.All.Select(known => known.Name).Order(StringComparer.Ordinal))}. " +
                    "(A process that only enqueues, with RunWorker false, reads such a section when it first enqueues that job.)");
            }
        }
    }

    private void BindQueues(IConfigurationSection queues, JobRegistry registry, List<string> failures)
    {
        // A queue this host would not serve otherwise is most likely a typo of one it does: refused, not silently added.
        var known = new SortedSet<string>(_queues.Keys, StringComparer.Ordinal) { JobQueueOptions.DefaultQueueName };
        known.UnionWith(registry.All.Select(job => job.Options.Queue));
        foreach (IConfigurationSection queue in queues.GetChildren())
        {
            if (!known.Contains(queue.Key))
            {
                failures.Add(
                    $"{queue.Path} names a queue that this application does not use: no AddQueue(\"{queue.Key}\") and no job type runs in it. " +
                    $"The queues are: {string.Join(", ", known)}. Fix the name, or declare the queue in code with AddQueue.");
                continue;
            }

            if (!_queues.TryGetValue(queue.Key, out QueueOptions? options))
            {
                options = new QueueOptions { Name = queue.Key };
                _queues.Add(queue.Key, options);
            }

            OptionsBinding.Bind(options, queue, [nameof(QueueOptions.Name)], [], failures);
        }
    }
}
