using Microsoft.Extensions.Logging;

namespace JobQueue.TestSupport.Jobs;

[JobName("test-logging")]
public sealed record LoggingArgs(string Name, int Lines, bool FailFirstAttempt = false);

/// <summary>
/// Logs "{Name} line {i} of attempt {attempt}" Lines times through its own logger, then one line of 5,000 characters,
/// plus a line with an exception; fails attempt 1 when asked. Records "{Name}:attempt{n}" when it ends.
/// </summary>
public sealed class LoggingJob(ILogger<LoggingJob> logger, Probe probe) : IJob<LoggingArgs>
{
    public Task ExecuteAsync(LoggingArgs args, JobContext context, CancellationToken cancellationToken)
    {
        for (int i = 1; i <= args.Lines; i++)
        {
            logger.LogInformation("{Name} line {Line} of attempt {Attempt}", args.Name, i, context.Attempt);
        }

        logger.LogWarning(new InvalidOperationException("inner detail"), "{Name} warns", args.Name);
        logger.LogInformation("{Long}", new string('x', 5000));
        probe.Record($"{args.Name}:attempt{context.Attempt}");
        if (args.FailFirstAttempt && context.Attempt == 1)
        {
            throw new InvalidOperationException("The first attempt fails on purpose.");
        }

        return Task.CompletedTask;
    }
}
