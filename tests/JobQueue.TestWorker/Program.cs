// Usage: JobQueue.TestWorker --provider <name> --connection <string> --log <file> [--concurrency N] [--lease-ms N] [--recurring <cron>] [--flow <log file>]
// Runs a worker host until killed or until stdin closes. Prints "ready" once the host has started.
using JobQueue;
using JobQueue.TestWorker;
using JobQueue.TestSupport;
using JobQueue.TestSupport.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

Dictionary<string, string> options = Arguments.Parse(args);
string provider = options["provider"];
string connection = options["connection"];
int concurrency = int.Parse(options.GetValueOrDefault("concurrency", "4"), System.Globalization.CultureInfo.InvariantCulture);
int leaseMs = int.Parse(options.GetValueOrDefault("lease-ms", "2000"), System.Globalization.CultureInfo.InvariantCulture);

HostApplicationBuilder builder = Host.CreateApplicationBuilder();
builder.Logging.ClearProviders().AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
builder.Services.AddSingleton(new ExecutionLog(options["log"]));
builder.Services.AddSingleton(new TickLog(options["log"] + ".ticks"));
builder.Services.AddJobQueue(q =>
{
    Providers.Use(q, provider, connection, options);
    q.AddJob<CountedJob>(j => j.RetryDelay = TimeSpan.FromMilliseconds(50));
    q.AddQueue(JobQueueOptions.DefaultQueueName, concurrency);

    // Recurring jobs: every worker declares the same schedule, as every instance of one application would.
    q.AddJob<TickJob>();
    if (options.TryGetValue("recurring", out string? cron))
    {
        q.AddRecurringJob("tick", cron, new Tick());
    }
    // Flow control: the limits every worker of one application declares alike (see FlowAcrossProcessesScenario).
    if (options.TryGetValue("flow", out string? flowLog))
    {
        builder.Services.AddSingleton(new FlowLog(flowLog));
        q.AddJob<FlowKeyedJob>(j =>
        {
            j.Queue = FlowAcrossProcessesScenario.KeyedQueue;
            j.ConcurrencyPerKey = FlowAcrossProcessesScenario.ConcurrencyPerKey;
        });
        q.AddQueue(FlowAcrossProcessesScenario.KeyedQueue, 4, o => o.GlobalConcurrency = FlowAcrossProcessesScenario.GlobalConcurrency);
        q.AddJob<FlowRatedJob>(j =>
        {
            j.Queue = FlowAcrossProcessesScenario.RatedQueue;
            j.RateLimit = FlowAcrossProcessesScenario.Rate;
        });
        q.AddQueue(FlowAcrossProcessesScenario.RatedQueue, 8);
    }

    q.Configure(o =>
    {
        o.LeaseDuration = TimeSpan.FromMilliseconds(leaseMs);
        o.RescueInterval = TimeSpan.FromMilliseconds(leaseMs / 4.0);
        o.PollInterval = TimeSpan.FromMilliseconds(100);
        o.ShutdownTimeout = TimeSpan.FromSeconds(5);
    });
});

using IHost host = builder.Build();
await host.StartAsync();
Console.WriteLine("ready");

// The parent test ends the worker by closing stdin (graceful) or by killing the process (a crash).
await Task.Run(() => Console.In.ReadToEnd());
await host.StopAsync();
return 0;
