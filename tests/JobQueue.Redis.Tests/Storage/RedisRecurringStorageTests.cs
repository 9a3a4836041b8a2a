using System.Text;
using JobQueue.Redis.Storage;
using JobQueue.Storage;
using JobQueue.TestSupport;
using StackExchange.Redis;

namespace JobQueue.Redis.Tests.Storage;

/// <summary>What only the Redis store's recurring jobs have: text fields that an HSET by hand may damage.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisRecurringStorageTests(RedisFixture fixture)
{
    private static readonly DateTimeOffset T0 = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task DamagedSchedule_ReadAsDefaultsAndNeverDue_OthersReadAndClaimAsUsual()
    {
        RedisJobStorage storage = RedisStores.Create(fixture.Server.ConnectionString);
        try
        {
            CancellationToken ct = Deadline.Token();
            await storage.UpsertRecurringJobsAsync(
                new RecurringUpsertRequest { Jobs = [Definition("damaged"), Definition("fine")], Declared = false, Now = T0 }, ct);
            IDatabase database = await RedisStores.DatabaseAsync(storage);
            await database.HashSetAsync(storage.Prefix + "recurring:job:damaged", [new HashEntry("nr", "soon"), new HashEntry("mf", "x"), new HashEntry("v", "two")]);

            IReadOnlyList<StoredRecurringJob> all = await storage.GetRecurringJobsAsync(new RecurringJobQuery(), ct);
            RecurringDueJobs due = await storage.GetDueRecurringJobsAsync(new RecurringDueRequest { Now = T0.AddMinutes(5), Limit = 10 }, ct);

            all.Select(j => j.Id).Should().Equal("damaged", "fine");
            StoredRecurringJob damaged = all[0];
            damaged.NextRunAt.Should().Be(DateTimeOffset.MaxValue, "a next run time that does not read is never due");
            damaged.Version.Should().Be(0);
            ((int)damaged.Misfire).Should().Be(0);
            due.Jobs.Select(j => j.Id).Should().Equal("fine");
            NewJob job = new()
            {
                Id = JobId.New(), Name = "export", Queue = "default", Priority = 0, Arguments = Encoding.UTF8.GetBytes("{}"),
                MaxAttempts = 3, Timeout = TimeSpan.FromSeconds(30), RetryDelay = TimeSpan.FromSeconds(1), RunAt = T0.AddMinutes(1),
            };
            RecurringClaim claim = new() { Id = "fine", Version = 1, NextRunAt = T0.AddMinutes(1), NewNextRunAt = T0.AddMinutes(2), Jobs = [job] };
            (await storage.ClaimRecurringOccurrencesAsync(new RecurringClaimRequest { Claims = [claim], Now = T0.AddMinutes(5) }, ct))
                .Should().Equal(RecurringClaimOutcome.Claimed);
        }
        finally
        {
            await RedisStores.DisposeAsync(storage);
        }
    }

    private static RecurringJobDefinition Definition(string id) => new()
    {
        Id = id,
        Name = "export",
        Cron = "* * * * *",
        TimeZone = "UTC",
        Arguments = Encoding.UTF8.GetBytes("{}"),
        NextRunAt = T0.AddMinutes(1),
    };
}
