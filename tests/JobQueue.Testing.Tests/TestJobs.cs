using Microsoft.Extensions.Logging;

namespace JobQueue.Testing.Tests;

// The jobs these tests run, each as small as the behaviour it shows.

[JobName("send-welcome")]
public sealed record SendWelcome(string Email);

/// <summary>Records every address it "sent" to.</summary>
public sealed class Outbox
{
    public List<(string Email, DateTimeOffset At)> Sent { get; } = [];
}

public sealed class SendWelcomeJob(Outbox outbox, TimeProvider time) : IJob<SendWelcome>
{
    public Task ExecuteAsync(SendWelcome args, JobContext context, CancellationToken cancellationToken)
    {
        outbox.Sent.Add((args.Email, time.GetUtcNow()));
        return Task.CompletedTask;
    }
}

/// <summary>Fails its first <see cref="Failures"/> attempts, then succeeds.</summary>
[JobName("flaky")]
public sealed record Flaky(int Failures);

public sealed class FlakyJob : IJob<Flaky>
{
    public Task ExecuteAsync(Flaky args, JobContext context, CancellationToken cancellationToken)
        => context.Attempt <= args.Failures
            ? throw new HttpRequestException($"the partner answered 503 on attempt {context.Attempt}")
            : Task.CompletedTask;
}

/// <summary>Signs up a user: a welcome e-mail as a child job.</summary>
[JobName("sign-up")]
public sealed record SignUp(string Email);

public sealed class SignUpJob : IJob<SignUp>
{
    public async Task ExecuteAsync(SignUp args, JobContext context, CancellationToken cancellationToken)
        => await context.Jobs.EnqueueAsync(new SendWelcome(args.Email), cancellationToken: cancellationToken);
}

/// <summary>Enqueues another of itself, without end.</summary>
[JobName("echo")]
public sealed record Echo(int Generation);

public sealed class EchoJob : IJob<Echo>
{
    public async Task ExecuteAsync(Echo args, JobContext context, CancellationToken cancellationToken)
        => await context.Jobs.EnqueueAsync(new Echo(args.Generation + 1), cancellationToken: cancellationToken);
}

/// <summary>Waits on the fake clock: it never ends while nobody moves it.</summary>
[JobName("wait-an-hour")]
public sealed record WaitAnHour;

public sealed class WaitAnHourJob(TimeProvider time) : IJob<WaitAnHour>
{
    public Task ExecuteAsync(WaitAnHour args, JobContext context, CancellationToken cancellationToken)
        => Task.Delay(TimeSpan.FromHours(1), time, cancellationToken);
}

/// <summary>Renders a ticket: reports progress, logs, adds a sibling to its batch, and returns the ticket's file.</summary>
[JobName("render-ticket")]
public sealed record RenderTicket(int Seat);

public sealed class RenderTicketJob(ILogger<RenderTicketJob> logger) : IJob<RenderTicket, string>
{
    public async Task<string> ExecuteAsync(RenderTicket args, JobContext context, CancellationToken cancellationToken)
    {
        await context.ReportProgressAsync(50, "half drawn", cancellationToken);
        logger.LogInformation("Seat {Seat} drawn on attempt {Attempt}", args.Seat, context.Attempt);
        await context.Jobs.EnqueueAsync(new SendWelcome($"seat-{args.Seat}@shop.example"), cancellationToken: cancellationToken);
        return $"{context.JobId}/seat-{args.Seat}.pdf";
    }
}

/// <summary>A batch's success callback.</summary>
[JobName("dispatch")]
public sealed record Dispatch(string Order);

/// <summary>A batch's failure callback.</summary>
[JobName("refund")]
public sealed record Refund(string Order);

public sealed class OrderCallbacksJob(Outbox outbox, TimeProvider time) : IJob<Dispatch>, IJob<Refund>
{
    public Task ExecuteAsync(Dispatch args, JobContext context, CancellationToken cancellationToken)
    {
        outbox.Sent.Add(($"dispatch {args.Order}", time.GetUtcNow()));
        return Task.CompletedTask;
    }

    public Task ExecuteAsync(Refund args, JobContext context, CancellationToken cancellationToken)
    {
        outbox.Sent.Add(($"refund {args.Order}", time.GetUtcNow()));
        return Task.CompletedTask;
    }
}

/// <summary>The hourly report of a recurring schedule.</summary>
[JobName("hourly-report")]
public sealed record HourlyReport;

public sealed class HourlyReportJob(Outbox outbox, TimeProvider time) : IJob<HourlyReport>
{
    public Task ExecuteAsync(HourlyReport args, JobContext context, CancellationToken cancellationToken)
    {
        outbox.Sent.Add(("report", time.GetUtcNow()));
        return Task.CompletedTask;
    }
}
