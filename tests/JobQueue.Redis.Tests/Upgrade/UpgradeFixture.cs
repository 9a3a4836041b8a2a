using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace JobQueue.Redis.Tests.Upgrade;

/// <summary>
/// The checked-in fixture of the upgrade test: every key the RESP client's store wrote for a set of jobs in flight,
/// in a form any client can load back, and the facts (ids, lease tokens, times, expectations) the test needs.
/// </summary>
/// <remarks>
/// Written by a generator that drove the previous release's store (on its own RESP client) into this state; the
/// generator left with that client, and is in the history at the commit the file's header names. Read by
/// <see cref="UpgradeTests"/>. Plain
/// strings and numbers only, so the file outlives the code that wrote it: values are the UTF-8 text Redis holds,
/// zset scores the exact strings ZRANGE ... WITHSCORES returned over RESP2, and the job records name their fields
/// instead of reusing the SPI types, whose shape may change.
/// </remarks>
internal sealed record UpgradeFixture
{
    /// <summary>The name of the fixture file, in this folder and in the test output.</summary>
    public const string FileName = "written-by-resp-client.json";

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },

        // Keeps '+', '<', '>' and non-ASCII text readable in the checked-in file; only the test reads it.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public required FixtureSource Source { get; init; }

    /// <summary>The prefix every key starts with, hash tag included: "{upgrade}:".</summary>
    public required string KeyPrefix { get; init; }

    /// <summary>Every key of the store, ordered by name.</summary>
    public required IReadOnlyList<FixtureKey> Keys { get; init; }

    public required FixtureFacts Facts { get; init; }

    public static string Serialize(UpgradeFixture fixture) => JsonSerializer.Serialize(fixture, s_json) + "\n";

    public static UpgradeFixture Deserialize(string json)
        => JsonSerializer.Deserialize<UpgradeFixture>(json, s_json) ?? throw new InvalidOperationException("The upgrade fixture file holds null.");

    /// <summary>Where and with what the fixture was written.</summary>
    internal sealed record FixtureSource
    {
        /// <summary>The commit of the code that wrote it (git rev-parse --short HEAD).</summary>
        public required string Commit { get; init; }

        /// <summary>Whether src/ had uncommitted changes then; a fixture worth checking in says false.</summary>
        public required bool SourceModified { get; init; }

        /// <summary>The redis_version the server reported.</summary>
        public required string RedisServer { get; init; }

        public required string Client { get; init; }

        public required string Generator { get; init; }
    }

    /// <summary>One key; exactly one of the content properties is set, as <see cref="Type"/> says.</summary>
    internal sealed record FixtureKey
    {
        public required string Key { get; init; }

        /// <summary>What TYPE returned: hash, zset, list, set or string.</summary>
        public required string Type { get; init; }

        /// <summary>A hash's fields and values.</summary>
        public IReadOnlyDictionary<string, string>? Hash { get; init; }

        /// <summary>A sorted set's members in ZRANGE order, each with its score as Redis wrote it.</summary>
        public IReadOnlyList<FixtureZsetEntry>? Zset { get; init; }

        /// <summary>A list's items in order.</summary>
        public IReadOnlyList<string>? List { get; init; }

        /// <summary>A set's members, ordered by name.</summary>
        public IReadOnlyList<string>? Set { get; init; }

        /// <summary>A string key's value.</summary>
        public string? Value { get; init; }
    }

    internal sealed record FixtureZsetEntry(string Member, string Score);

    /// <summary>What the generator did, as the current store reads it back, and what continuing must do.</summary>
    internal sealed record FixtureFacts
    {
        /// <summary>The now of every request the generator made.</summary>
        public required DateTimeOffset T0 { get; init; }

        public required string WorkerId { get; init; }

        /// <summary>Every job, in enqueue order, as GetJobsAsync of the current store returned it.</summary>
        public required IReadOnlyList<FixtureJob> Jobs { get; init; }

        public required FixtureBatch Batch { get; init; }

        /// <summary>As GetQueueStatisticsAsync of the current store returned them, ordered by queue.</summary>
        public required IReadOnlyList<FixtureQueueStatistics> QueueStatistics { get; init; }

        public required FixtureExpectations Expectations { get; init; }

        public FixtureJob Job(string role) => Jobs.SingleOrDefault(j => j.Role == role)
            ?? throw new InvalidOperationException($"The upgrade fixture has no job of role '{role}'; regenerate it with Upgrade/Generator.");
    }

    internal sealed record FixtureJob
    {
        /// <summary>What the job stands for in the scenario; one of <see cref="Roles"/>.</summary>
        public required string Role { get; init; }

        /// <summary>Its place in enqueue order, from 1: queries list jobs newest first by it.</summary>
        public required int Sequence { get; init; }

        public required Guid Id { get; init; }

        public required string Name { get; init; }

        public required string Queue { get; init; }

        public required JobState State { get; init; }

        public int Priority { get; init; }

        /// <summary>The arguments as UTF-8 text.</summary>
        public required string Arguments { get; init; }

        public int Attempt { get; init; }

        public int MaxAttempts { get; init; }

        public TimeSpan Timeout { get; init; }

        public TimeSpan RetryDelay { get; init; }

        public DateTimeOffset RunAt { get; init; }

        public DateTimeOffset EnqueuedAt { get; init; }

        public DateTimeOffset? StartedAt { get; init; }

        public DateTimeOffset? FinishedAt { get; init; }

        /// <summary>The result as UTF-8 text.</summary>
        public string? Result { get; init; }

        public IReadOnlyList<FixtureError> Errors { get; init; } = [];

        public FixtureProgress? Progress { get; init; }

        public string? IdempotencyKey { get; init; }

        public Guid? BatchId { get; init; }

        public string? TraceParent { get; init; }

        public Guid? LeaseToken { get; init; }

        public DateTimeOffset? LeaseExpiresAt { get; init; }

        public string? WorkerId { get; init; }
    }

    internal sealed record FixtureError
    {
        public required string Type { get; init; }

        public required string Message { get; init; }

        public string? StackTrace { get; init; }

        public int Attempt { get; init; }

        public DateTimeOffset At { get; init; }
    }

    internal sealed record FixtureProgress(double Percent, string? Message);

    internal sealed record FixtureBatch
    {
        public required Guid Id { get; init; }

        public required BatchState State { get; init; }

        public int Total { get; init; }

        public int Succeeded { get; init; }

        public int Failed { get; init; }

        public Guid? SuccessJobId { get; init; }

        public Guid? FailureJobId { get; init; }

        public DateTimeOffset CreatedAt { get; init; }

        public DateTimeOffset? FinishedAt { get; init; }
    }

    internal sealed record FixtureQueueStatistics
    {
        public required string Queue { get; init; }

        public long Scheduled { get; init; }

        public long Enqueued { get; init; }

        public long Running { get; init; }

        public long Succeeded { get; init; }

        public long Failed { get; init; }

        public long Cancelled { get; init; }

        public long Awaiting { get; init; }
    }

    /// <summary>What continuing from the fixture must do, in the ids and times of this fixture.</summary>
    internal sealed record FixtureExpectations
    {
        /// <summary>Fetching queue "mail" one job at a time returns these, in order (priority 5 before 0).</summary>
        public required IReadOnlyList<Guid> MailFetchOrder { get; init; }

        /// <summary>The now of a rescue that finds exactly <see cref="Rescued"/> expired.</summary>
        public required DateTimeOffset RescueAt { get; init; }

        public required IReadOnlyList<Guid> Rescued { get; init; }

        /// <summary>The now of a promotion that finds exactly <see cref="Promoted"/> due.</summary>
        public required DateTimeOffset PromoteAt { get; init; }

        public required IReadOnlyList<Guid> Promoted { get; init; }

        /// <summary>A key held by a live job: enqueueing another job with it returns <see cref="IdempotencyHolder"/>.</summary>
        public required string IdempotencyKey { get; init; }

        public required Guid IdempotencyHolder { get; init; }

        /// <summary>Finishing the batch's pending children succeeds it and releases this callback.</summary>
        public required Guid BatchReleases { get; init; }

        /// <summary>... and cancels this one.</summary>
        public required Guid BatchCancels { get; init; }
    }

    /// <summary>The scenario's jobs by what they stand for.</summary>
    internal static class Roles
    {
        public const string DefaultReady = "default-ready";
        public const string MailPriority0 = "mail-priority-0";
        public const string MailPriority5 = "mail-priority-5";
        public const string Scheduled = "scheduled";
        public const string Idempotent = "idempotent";
        public const string RunningWithProgress = "running-with-progress";
        public const string RunningLeaseExpiring = "running-lease-expiring";
        public const string RetryScheduled = "retry-scheduled";
        public const string Succeeded = "succeeded";
        public const string Failed = "failed";
        public const string Cancelled = "cancelled";
        public const string BatchChild1 = "batch-child-1";
        public const string BatchChild2 = "batch-child-2";
        public const string BatchChild3 = "batch-child-3";
        public const string BatchSuccessCallback = "batch-success-callback";
        public const string BatchFailureCallback = "batch-failure-callback";
    }
}
