using JobQueue.Registration;
using JobQueue.Storage;

namespace JobQueue.Recurring;

/// <summary>The recurring jobs this application declares in code, bound to their registrations; worker hosts write them at start.</summary>
internal sealed class RecurringDeclarations
{
    private RecurringDeclarations(IReadOnlyList<DeclaredRecurringJob> jobs)
    {
        Jobs = jobs;
    }

    public IReadOnlyList<DeclaredRecurringJob> Jobs { get; }

    /// <summary>Binds every declaration to the job registered for its arguments type and serializes its arguments.</summary>
    /// <exception cref="InvalidOperationException">No job is registered for a declaration's arguments type.</exception>
    /// <exception cref="ArgumentException">A declaration's arguments are larger than <see cref="JobQueueOptions.MaxArgumentsSize"/>.</exception>
    public static RecurringDeclarations Build(IReadOnlyList<RecurringDeclaration> declarations, JobRegistry registry, JobQueueOptions options)
    {
        var jobs = new List<DeclaredRecurringJob>(declarations.Count);
        foreach (RecurringDeclaration declaration in declarations)
        {
            if (!registry.TryGet(declaration.ArgsType, out JobRegistration? registration))
            {
                throw new InvalidOperationException(
                    $"AddRecurringJob(\"{declaration.Id}\"): no job is registered for arguments type {declaration.ArgsType.FullName}. " +
                    $"Register its handler with q.AddJob<YourJob>(), where YourJob implements IJob<{declaration.ArgsType.Name}>.");
            }

            var definition = new RecurringJobDefinition
            {
                Id = declaration.Id,
                Name = registration.Name,
                Cron = declaration.Cron,
                TimeZone = declaration.Options.TimeZone,
                Arguments = RecurringArguments.Serialize(declaration.Args, declaration.ArgsType, options, declaration.Id, registration.Name),
                Queue = declaration.Options.Queue,
                Priority = declaration.Options.Priority,
                Misfire = declaration.Options.Misfire,
                MaxCatchUp = declaration.Options.MaxCatchUp,
                Overlap = declaration.Options.Overlap,
                NextRunAt = CronSchedule.Never,
            };
            jobs.Add(new DeclaredRecurringJob(definition, declaration.Schedule));
        }

        return new RecurringDeclarations(jobs);
    }
}

/// <summary>One declared recurring job: its definition (whose next run time is computed when it is written) and its schedule.</summary>
internal sealed record DeclaredRecurringJob(RecurringJobDefinition Definition, CronSchedule Schedule);
