using System.Text;
using JobQueue.Hosting;
using JobQueue.TestSupport;
using JobQueue.TestSupport.Jobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace JobQueue.Tests.DependencyInjection;

public sealed class ConfigurationBindingTests
{
    private const string EveryOption = """
        {
          "JobQueue": {
            "RunWorker": false,
            "DefaultConcurrency": 3,
            "LeaseDuration": "00:00:40",
            "UnknownJobTimeout": "00:30:00",
            "TimeoutGrace": "00:00:02",
            "ShutdownTimeout": "00:00:12",
            "PollInterval": "00:00:00.500",
            "RescueInterval": "00:00:20",
            "HeartbeatInterval": "00:00:07",
            "MaxRetryDelay": "00:10:00",
            "Retention": "3.00:00:00",
            "PruneInterval": "00:02:00",
            "FetchBatchSize": 50,
            "MaxArgumentsSize": 2048,
            "MaxResultSize": 4096,
            "RecurringMisfireThreshold": "00:05:00",
            "UndeclaredRecurringJobRetention": "1.00:00:00",
            "Queues": {
              "tickets": {
                "Concurrency": 4,
                "GlobalConcurrency": 8,
                "ConcurrencyPerKey": 2,
                "RateLimit": { "Starts": 100, "Period": "00:01:00" },
                "RateLimitPerKey": { "Starts": 5, "Period": "00:00:10" }
              }
            },
            "InMemory": { "Capacity": 1000, "ThrowWhenFull": true }
          }
        }
        """;

    [JobName("send-welcome-email")]
    private sealed record SendWelcomeEmail(string Address);

    private sealed class SendWelcomeEmailJob : IJob<SendWelcomeEmail>
    {
        public Task ExecuteAsync(SendWelcomeEmail args, JobContext context, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    [JobName("generate-ticket")]
    private sealed record GenerateTicket(int Seat);

    private sealed class GenerateTicketJob : IJob<GenerateTicket>
    {
        public Task ExecuteAsync(GenerateTicket args, JobContext context, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private static IConfigurationSection Json(string json)
        => new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build().GetSection("JobQueue");

    // The last value of a key wins, as with a later configuration source.
    private static IConfigurationSection Values(params (string Key, string? Value)[] values)
        => new ConfigurationBuilder()
            .AddInMemoryCollection(Enumerable.Reverse(values).DistinctBy(value => value.Key).ToDictionary(value => $"JobQueue:{value.Key}", value => value.Value))
            .Build()
            .GetSection("JobQueue");

    private static ServiceProvider Build(Action<JobQueueBuilder> configure)
        => new ServiceCollection().AddJobQueue(configure).BuildServiceProvider();

    [Fact]
    public void Configure_EveryOptionInJson_IsBound()
    {
        InMemoryStorageOptions? inMemory = null;
        using ServiceProvider services = Build(q =>
        {
            q.Configure(Json(EveryOption)).UseInMemory();
            q.AddJob<RecordJob>(j => j.Queue = "tickets");
            inMemory = q.InMemoryOptions;
        });

        JobQueueOptions options = services.GetRequiredService<IOptions<JobQueueOptions>>().Value;
        options.Should().BeEquivalentTo(new
        {
            RunWorker = false,
            DefaultConcurrency = 3,
            LeaseDuration = TimeSpan.FromSeconds(40),
            UnknownJobTimeout = TimeSpan.FromMinutes(30),
            TimeoutGrace = TimeSpan.FromSeconds(2),
            ShutdownTimeout = TimeSpan.FromSeconds(12),
            PollInterval = TimeSpan.FromMilliseconds(500),
            RescueInterval = TimeSpan.FromSeconds(20),
            HeartbeatInterval = TimeSpan.FromSeconds(7),
            MaxRetryDelay = TimeSpan.FromMinutes(10),
            Retention = (TimeSpan?)TimeSpan.FromDays(3),
            PruneInterval = TimeSpan.FromMinutes(2),
            FetchBatchSize = 50,
            MaxArgumentsSize = (int?)2048,
            MaxResultSize = (int?)4096,
            RecurringMisfireThreshold = TimeSpan.FromMinutes(5),
            UndeclaredRecurringJobRetention = (TimeSpan?)TimeSpan.FromDays(1),
        });
        services.GetRequiredService<JobQueueOptions>().Should().BeSameAs(options);
        QueueOptions tickets = services.GetRequiredService<WorkerPlan>().Declared["tickets"];
        tickets.Should().BeEquivalentTo(new
        {
            Name = "tickets",
            Concurrency = 4,
            GlobalConcurrency = (int?)8,
            ConcurrencyPerKey = (int?)2,
            RateLimit = RateLimit.PerMinute(100),
            RateLimitPerKey = new RateLimit(5, TimeSpan.FromSeconds(10)),
        });
        services.GetRequiredService<WorkerPlan>().Queues["tickets"].Should().Be(4);
        inMemory.Should().BeEquivalentTo(new InMemoryStorageOptions { Capacity = 1000, ThrowWhenFull = true });
    }

    [Fact]
    public void Configure_EveryJobOptionInJson_IsBoundByJobName()
    {
        const string Settings = """
            {
              "JobQueue": {
                "Jobs": {
                  "test-record": {
                    "Queue": "reports",
                    "Priority": 5,
                    "Timeout": "00:00:30",
                    "MaxAttempts": 3,
                    "RetryDelay": "00:00:02",
                    "ConcurrencyPerKey": 1,
                    "RateLimit": { "Starts": 10, "Period": "00:00:01" },
                    "RateLimitPerKey": { "Starts": 2, "Period": "00:01:00" }
                  }
                },
                "Queues": { "reports": { "Concurrency": 3 } }
              }
            }
            """;
        using ServiceProvider services = Build(q => q.Configure(Json(Settings)).UseInMemory().AddJob<RecordJob>(j => { j.Priority = 1; j.MaxAttempts = 7; }));

        services.GetRequiredService<JobQueue.Registration.JobRegistry>().TryGet(typeof(RecordArgs), out JobQueue.Registration.JobRegistration? registration).Should().BeTrue();
        JobOptions options = registration!.Options;
        options.Should().BeEquivalentTo(new JobOptions
        {
            Queue = "reports",
            Priority = 5,
            Timeout = TimeSpan.FromSeconds(30),
            MaxAttempts = 3,
            RetryDelay = TimeSpan.FromSeconds(2),
            ConcurrencyPerKey = 1,
            RateLimit = RateLimit.PerSecond(10),
            RateLimitPerKey = RateLimit.PerMinute(2),
        });
        services.GetRequiredService<WorkerPlan>().Queues["reports"].Should().Be(3, "the job's queue from configuration is served, with its configured concurrency");
    }

    [Fact]
    public async Task StartAsync_NullForAnOptionThatTakesNone_FailsNamingTheKey()
    {
        OptionsValidationException failure = await HostStart.FailureAsync(
            q => q.Configure(Json("""{ "JobQueue": { "LeaseDuration": null } }""")).UseInMemory());

        failure.Failures.Should().Equal(
            "JobQueue:LeaseDuration has no value; give a TimeSpan (such as \"00:00:05\"), or leave the key out for the default.");
    }

    [Fact]
    public void Configure_NullRetention_KeepsJobsForever()
    {
        using ServiceProvider services = Build(q => q.Configure(Json("""{ "JobQueue": { "Retention": null } }""")).UseInMemory());

        services.GetRequiredService<IOptions<JobQueueOptions>>().Value.Retention.Should().BeNull();
    }

    [Fact]
    public void Configure_KeyAlsoSetInCode_ConfigurationWinsWhateverTheOrder()
    {
        IConfigurationSection section = Values(("LeaseDuration", "00:00:45"), ("Queues:tickets:Concurrency", "6"));

        using ServiceProvider codeFirst = Build(q => q
            .Configure(o => { o.LeaseDuration = TimeSpan.FromSeconds(10); o.PollInterval = TimeSpan.FromSeconds(3); })
            .AddQueue("tickets", concurrency: 2, queue => queue.GlobalConcurrency = 5)
            .Configure(section)
            .UseInMemory());
        using ServiceProvider sectionFirst = Build(q => q
            .Configure(section)
            .Configure(o => { o.LeaseDuration = TimeSpan.FromSeconds(10); o.PollInterval = TimeSpan.FromSeconds(3); })
            .AddQueue("tickets", concurrency: 2, queue => queue.GlobalConcurrency = 5)
            .UseInMemory());

        foreach (ServiceProvider services in new[] { codeFirst, sectionFirst })
        {
            JobQueueOptions options = services.GetRequiredService<IOptions<JobQueueOptions>>().Value;
            options.LeaseDuration.Should().Be(TimeSpan.FromSeconds(45), "the section sets it");
            options.PollInterval.Should().Be(TimeSpan.FromSeconds(3), "the section leaves it to code");
            QueueOptions tickets = services.GetRequiredService<WorkerPlan>().Declared["tickets"];
            tickets.Concurrency.Should().Be(6);
            tickets.GlobalConcurrency.Should().Be(5);
        }
    }

    [Fact]
    public void Configure_QueueOfAJobType_IsDeclaredWithTheSectionsValues()
    {
        using ServiceProvider services = Build(q => q
            .Configure(Values(("Queues:reports:Concurrency", "3")))
            .UseInMemory()
            .AddJob<RecordJob>(j => j.Queue = "reports"));

        services.GetRequiredService<WorkerPlan>().Queues["reports"].Should().Be(3);
    }

    [Fact]
    public async Task StartAsync_OtherStoresAndDashboardSections_AreLeftAlone()
    {
        await using TestHost host = await TestHost.StartAsync(
            q => q
                .Configure(Values(
                    ("Dashboard:Title", "Jobs"),
                    ("Sqlite:BusyTimeout", "-00:00:01"),
                    ("Postgres:Schema", "Not A Schema"),
                    ("Redis:KeyPrefix", "{bad}")))
                .UseInMemory(),
            start: false);

        Func<Task> start = host.StartAsync;

        await start.Should().NotThrowAsync("only the store in use reads its child, and the dashboard reads its own");
    }

    [Fact]
    public void Configure_CalledTwice_Throws()
    {
        Action add = () => Build(q => q.Configure(Values()).Configure(Values()).UseInMemory());

        add.Should().Throw<InvalidOperationException>().WithMessage("Configure(IConfiguration) was called twice*");
    }

    [Fact]
    public void AddJobQueue_BadValueInCode_StillThrowsAtOnceNamingTheOption()
    {
        Action add = () => Build(q => q.Configure(Values(("PollInterval", "00:00:02")))
            .Configure(o => o.LeaseDuration = TimeSpan.FromSeconds(-1)).UseInMemory());

        add.Should().Throw<ArgumentException>().WithMessage("JobQueueOptions.LeaseDuration is -00:00:01; it cannot be negative.");
    }

    [Fact]
    public async Task StartAsync_BadValueInCodeOverriddenBySection_Starts()
    {
        await using TestHost host = await TestHost.StartAsync(q => q
            .Configure(Values(("DefaultConcurrency", "2")))
            .Configure(o => o.DefaultConcurrency = 0)
            .UseInMemory());

        host.Services.GetRequiredService<JobQueueOptions>().DefaultConcurrency.Should().Be(2);
    }

    [Theory]
    [InlineData("LeaseDuration", "-00:00:01", "JobQueue:LeaseDuration is -00:00:01; it cannot be negative.")]
    [InlineData("PollInterval", "00:00:00", "JobQueue:PollInterval is 00:00:00; it must be positive.")]
    [InlineData("ShutdownTimeout", "60.00:00:00", "JobQueue:ShutdownTimeout is 60.00:00:00; it must be at most 49.17:02:47.2940000*")]
    [InlineData("DefaultConcurrency", "0", "JobQueue:DefaultConcurrency is 0; it must be at least 1.")]
    [InlineData("FetchBatchSize", "-5", "JobQueue:FetchBatchSize is -5; it must be at least 1.")]
    [InlineData("Retention", "-1.00:00:00", "JobQueue:Retention is -1.00:00:00; it must be positive*")]
    [InlineData("MaxArgumentsSize", "0", "JobQueue:MaxArgumentsSize is 0; it must be at least 1 byte*")]
    [InlineData("MaxResultSize", "0", "JobQueue:MaxResultSize is 0; it must be at least 1 byte*")]
    [InlineData("RecurringMisfireThreshold", "00:00:00", "JobQueue:RecurringMisfireThreshold is 00:00:00; it must be positive*")]
    [InlineData("UndeclaredRecurringJobRetention", "00:01:00", "JobQueue:UndeclaredRecurringJobRetention is 00:01:00; it must be from 10 minutes*")]
    [InlineData("Queues:tickets:Concurrency", "0", "JobQueue:Queues:tickets:Concurrency is 0; it must be at least 1.")]
    [InlineData("Queues:tickets:GlobalConcurrency", "0", "JobQueue:Queues:tickets:GlobalConcurrency is 0; it must be at least 1, or null for no limit.")]
    [InlineData("Queues:tickets:ConcurrencyPerKey", "-1", "JobQueue:Queues:tickets:ConcurrencyPerKey is -1; it must be at least 1, or null for no limit.")]
    [InlineData("Jobs:test-record:Timeout", "00:00:00", "JobQueue:Jobs:test-record:Timeout is 00:00:00; it must be positive.")]
    [InlineData("Jobs:test-record:MaxAttempts", "0", "JobQueue:Jobs:test-record:MaxAttempts is 0; it must be at least 1 (1 means no retry).")]
    [InlineData("Jobs:test-record:RetryDelay", "-00:00:01", "JobQueue:Jobs:test-record:RetryDelay is -00:00:01; it cannot be negative.")]
    [InlineData("Jobs:test-record:Queue", "", "JobQueue:Jobs:test-record:Queue is empty; name a queue*")]
    [InlineData("Jobs:test-recrod:MaxAttempts", "3", "JobQueue:Jobs:test-recrod names no registered job.*the jobs are: test-record.*(A process that only enqueues*")]
    [InlineData("InMemory:Capacity", "0", "JobQueue:InMemory:Capacity is 0; it must be at least 1, or null for no bound.")]
    [InlineData("LeaseDuration", "soon", "JobQueue:LeaseDuration could not be read as a TimeSpan (such as \"00:00:05\"): *")]
    [InlineData("RunWorker", "maybe", "JobQueue:RunWorker could not be read as a Boolean: *")]
    [InlineData("RunWorker", "", "JobQueue:RunWorker could not be read as a Boolean: *")]
    [InlineData("Retention:Days", "5", "JobQueue:Retention has no value; give a TimeSpan (such as \"00:00:05\"), or leave the key out for the default.")]
    [InlineData("LeaseDuration:Seconds", "5", "JobQueue:LeaseDuration has no value; give a TimeSpan (such as \"00:00:05\"), or leave the key out for the default.")]
    [InlineData("LeaseDurtion", "00:00:10", "JobQueue:LeaseDurtion is not a setting of JobQueueOptions; the keys here are: *LeaseDuration*")]
    [InlineData("Queues:tickets:Concurency", "2", "JobQueue:Queues:tickets:Concurency is not a setting of QueueOptions*")]
    [InlineData("Queues:tickts:Concurrency", "2", "JobQueue:Queues:tickts names a queue that this application does not use*The queues are: default, tickets.*")]
    [InlineData("Sqlte:ConnectionString", "jobs.db", "JobQueue:Sqlte is not a setting of JobQueueOptions; the keys here are: *Sqlite*")]
    [InlineData("SerializerOptions:WriteIndented", "true", "JobQueue:SerializerOptions cannot be set from configuration; set JobQueueOptions.SerializerOptions in code.")]
    public async Task StartAsync_BadValueInSection_FailsNamingTheKey(string key, string value, string message)
    {
        OptionsValidationException failure = await HostStart.FailureAsync(
            q => q.Configure(Values((key, value))).UseInMemory().AddQueue("tickets", concurrency: 2).AddJob<RecordJob>());

        failure.Failures.Should().ContainMatch(message);
    }

    [Fact]
    public async Task StartAsync_SeveralBadValues_ReportsEveryOne()
    {
        OptionsValidationException failure = await HostStart.FailureAsync(
            q => q.Configure(Values(("LeaseDuration", "00:00:00"), ("Queues:default:Concurrency", "0"))).UseInMemory());

        failure.Failures.Should().BeEquivalentTo(
            "JobQueue:LeaseDuration is 00:00:00; it must be positive.",
            "JobQueue:Queues:default:Concurrency is 0; it must be at least 1.");
    }

    [Theory]
    [InlineData("0", "Period", "00:01:00", "JobQueue:Queues:tickets:RateLimit could not be read as a RateLimit section: *starts must be between 1 and 1,000,000.*")]
    [InlineData("10", "Period", "8.00:00:00", "JobQueue:Queues:tickets:RateLimit could not be read as a RateLimit section: *the period must be positive and at most 7 days.*")]
    [InlineData("10", "Every", "00:01:00", "JobQueue:Queues:tickets:RateLimit could not be read as a RateLimit section: *'period' has no matching config*")]
    public async Task StartAsync_BadRateLimitInSection_FailsNamingTheKey(string starts, string periodKey, string period, string message)
    {
        OptionsValidationException failure = await HostStart.FailureAsync(q => q
            .Configure(Values(("Queues:tickets:RateLimit:Starts", starts), ($"Queues:tickets:RateLimit:{periodKey}", period)))
            .UseInMemory()
            .AddQueue("tickets", concurrency: 2));

        failure.Failures.Should().ContainMatch(message);
    }

    [Fact]
    public async Task StartAsync_TheExampleOfTheConfigurationPage_Starts()
    {
        string page = File.ReadAllText(Path.Combine(RepositoryFiles.Root(), "docs", "configuration.md"));
        int section = page.IndexOf("## From appsettings.json", StringComparison.Ordinal);
        int start = page.IndexOf("```json", section, StringComparison.Ordinal) + "```json".Length;
        string example = page[start..page.IndexOf("```", start, StringComparison.Ordinal)];
        await using TestHost host = await TestHost.StartAsync(
            q => q.Configure(Json(example))
                .UseInMemory()
                .AddJob<SendWelcomeEmailJob>(j => j.Queue = "email")
                .AddJob<GenerateTicketJob>(j => j.Queue = "tickets"),
            start: false);

        Func<Task> run = host.StartAsync;

        await run.Should().NotThrowAsync("the page's example is what users copy");
        host.Services.GetRequiredService<WorkerPlan>().Queues.Should().Contain(new KeyValuePair<string, int>("tickets", 8));
    }
}
