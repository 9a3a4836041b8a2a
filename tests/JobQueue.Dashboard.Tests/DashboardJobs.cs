using Microsoft.Extensions.Logging;

namespace JobQueue.Dashboard.Tests;

/// <summary>A job that succeeds with a result, logs its text and reports progress on the way.</summary>
[JobName("dash-ok")]
public sealed record Succeed(string Text);

public sealed class SucceedJob(ILogger<SucceedJob> logger) : IJob<Succeed, string>
{
    public async Task<string> ExecuteAsync(Succeed args, JobContext context, CancellationToken cancellationToken)
    {
        logger.LogInformation("logged: {Text}", args.Text);
        await context.ReportProgressAsync(100, "done: " + args.Text, cancellationToken);
        return "result: " + args.Text;
    }
}

/// <summary>A job that fails for good at once, with the message it is given (which the tests make hostile).</summary>
[JobName("dash-fail")]
public sealed record Fail(string Message);

public sealed class FailJob : IJob<Fail>
{
    public Task ExecuteAsync(Fail args, JobContext context, CancellationToken cancellationToken)
        => throw new PermanentJobFailureException(args.Message);
}
