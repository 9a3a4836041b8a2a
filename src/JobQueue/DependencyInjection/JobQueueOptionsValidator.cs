using JobQueue.Binding;
using JobQueue.Registration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace JobQueue;

/// <summary>
/// Checks the options AddJobQueue built when the host starts (ValidateOnStart), with the rules code-given values met
/// already, naming each value from configuration by its key's path (<c>JobQueue:Queues:tickets:Concurrency</c>,
/// <c>JobQueue:Jobs:send-welcome-email:Timeout</c>).
/// </summary>
internal sealed class JobQueueOptionsValidator(
    IConfiguration? section,
    IReadOnlyList<string> bindingFailures,
    IReadOnlyDictionary<string, QueueOptions> queues,
    JobRegistry registry,
    InMemoryStorageOptions? inMemory) : IValidateOptions<JobQueueOptions>
{
    public ValidateOptionsResult Validate(string? name, JobQueueOptions options)
    {
        var failures = new List<string>(bindingFailures);
        failures.AddRange(OptionsValidator.Problems(options, NameOf(section, "JobQueueOptions")).Select(problem => problem.Message));
        foreach (QueueOptions queue in queues.Values)
        {
            IConfiguration? queueSection = section?.GetSection(JobQueueBuilder.QueuesKey).GetSection(queue.Name);
            failures.AddRange(OptionsValidator.Problems(queue, NameOf(queueSection, $"AddQueue(\"{queue.Name}\"): QueueOptions"))
                .Select(problem => problem.Message));
        }

        foreach (JobRegistration job in registry.All)
        {
            IConfiguration? jobSection = section?.GetSection(JobQueueBuilder.JobsKey).GetSection(job.Name);
            failures.AddRange(OptionsValidator.Problems(job.Options, NameOf(jobSection, $"AddJob<{job.JobType.Name}>: JobOptions"))
                .Select(problem => problem.Message));
        }

        if (inMemory is not null && InMemoryStorageOptions.Problem(inMemory, NameOf(section?.GetSection("InMemory"), nameof(InMemoryStorageOptions))) is { } capacity)
        {
            failures.Add(capacity.Message);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Names an option by its key when configuration set it, else as code names it.</summary>
    internal static Func<string, string> NameOf(IConfiguration? section, string codePrefix)
        => option => section is not null && OptionsBinding.Sets(section, option) ? OptionsBinding.PathOf(section, option) : $"{codePrefix}.{option}";
}
