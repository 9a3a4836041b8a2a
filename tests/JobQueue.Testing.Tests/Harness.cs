using Microsoft.Extensions.DependencyInjection;

namespace JobQueue.Testing.Tests;

/// <summary>The harness every test here starts from: the test jobs registered, an outbox to read.</summary>
internal static class Harness
{
    public static JobQueueTestHarness Create(Action<JobQueueBuilder>? configure = null, Action<JobQueueTestingOptions>? options = null)
        => JobQueueTestHarness.Create(
            q =>
            {
                q.AddJob<SendWelcomeJob>().AddJob<FlakyJob>(j => j.MaxAttempts = 3).AddJob<SignUpJob>().AddJob<EchoJob>()
                    .AddJob<WaitAnHourJob>().AddJob<RenderTicketJob>().AddJob<OrderCallbacksJob>().AddJob<HourlyReportJob>();
                configure?.Invoke(q);
            },
            s => s.AddSingleton<Outbox>(),
            options);

    public static Outbox Outbox(this JobQueueTestHarness harness) => harness.Services.GetRequiredService<Outbox>();
}
