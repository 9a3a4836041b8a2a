using System.Globalization;
using JobQueue.Redis.Scripts;
using JobQueue.Storage;
using StackExchange.Redis;

namespace JobQueue.Redis.Storage;

// Recurring jobs: each call is one script (see RedisScripts.Recurring), so a claim compares the schedule, writes its
// occurrences' jobs and moves it in one atomic step on the server.
internal sealed partial class RedisJobStorage
{
    public async ValueTask<IReadOnlyList<RecurringUpsertOutcome>> UpsertRecurringJobsAsync(RecurringUpsertRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Jobs.Count == 0)
        {
            return [];
        }

        var args = new RedisArguments(4 + (request.Jobs.Count * RedisScripts.RecurringDefinitionFields), 64 + (request.Jobs.Count * 48));
        args.Add(_prefix).AddTicks(request.Now).AddScore(request.Now).Add(request.Declared ? "1" : "0");
        foreach (RecurringJobDefinition definition in request.Jobs)
        {
            args.Add(definition.Id)
                .Add(definition.Name)
                .Add(definition.Cron)
                .Add(definition.TimeZone)
                .Add(definition.Arguments)
                .Add(definition.Queue is null ? "0" : "1")
                .Add(definition.Queue ?? string.Empty)
                .Add(definition.Priority is null ? "0" : "1")
                .Add(definition.Priority ?? 0)
                .Add((long)definition.Misfire)
                .Add(definition.MaxCatchUp)
                .Add((long)definition.Overlap)
                .AddTicks(definition.NextRunAt)
                .AddScore(definition.NextRunAt);
        }

        RedisResult reply = await EvalAsync(RedisScripts.RecurringUpsert, args.ToArray(), cancellationToken).ConfigureAwait(false);
        return [.. ((RedisResult[])reply!).Select(static item => (RecurringUpsertOutcome)(long)item)];
    }

    public async ValueTask<bool> RemoveRecurringJobAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        RedisResult reply = await EvalAsync(RedisScripts.RecurringRemove, [_prefix, id], cancellationToken).ConfigureAwait(false);
        return (long)reply == 1;
    }

    public async ValueTask<bool> SetRecurringJobPausedAsync(RecurringPauseRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        RedisValue[] args = new RedisArguments(6)
            .Add(_prefix)
            .Add(request.Id)
            .Add(request.Paused ? "1" : "0")
            .AddTicks(request.NextRunAt)
            .AddScore(request.NextRunAt)
            .AddTicks(request.Now)
            .ToArray();
        RedisResult reply = await EvalAsync(RedisScripts.RecurringPause, args, cancellationToken).ConfigureAwait(false);
        return (long)reply == 1;
    }

    public async ValueTask<IReadOnlyList<StoredRecurringJob>> GetRecurringJobsAsync(RecurringJobQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        RedisResult reply = await EvalAsync(RedisScripts.RecurringGet, [_prefix, query.Id ?? string.Empty], cancellationToken).ConfigureAwait(false);
        return ReadRecurringList((RedisResult[])reply!, 0);
    }

    public async ValueTask<RecurringDueJobs> GetDueRecurringJobsAsync(RecurringDueRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfNegative(request.Limit, nameof(request));
        RedisValue[] args = new RedisArguments(5)
            .Add(_prefix)
            .AddTicks(request.Now)
            .AddScore(request.Now)
            .Add(request.Limit)
            .Add(request.AfterId ?? string.Empty)
            .ToArray();
        RedisResult reply = await EvalAsync(RedisScripts.RecurringDue, args, cancellationToken).ConfigureAwait(false);
        RedisResult[] items = (RedisResult[])reply!;
        string nextDue = (string)items[0]!;
        return new RecurringDueJobs
        {
            Jobs = ReadRecurringList(items, 1),
            NextDueAt = long.TryParse(nextDue, NumberStyles.None, CultureInfo.InvariantCulture, out long ticks) && ticks <= DateTimeOffset.MaxValue.UtcTicks
                ? new DateTimeOffset(ticks, TimeSpan.Zero)
                : null,
        };
    }

    public async ValueTask<IReadOnlyList<RecurringClaimOutcome>> ClaimRecurringOccurrencesAsync(RecurringClaimRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);

        // One script per claim: each is its own atomic step, and a claim's jobs may be many (a RunAll catch-up).
        var outcomes = new RecurringClaimOutcome[request.Claims.Count];
        for (int i = 0; i < outcomes.Length; i++)
        {
            RecurringClaim claim = request.Claims[i];
            NewJob? last = claim.Jobs.Count > 0 ? claim.Jobs[^1] : null;
            DateTimeOffset overlapSkip = last?.RunAt ?? claim.SkippedAt ?? claim.NextRunAt;
            RedisValue[] enqueue = claim.Jobs.Count == 0
                ? []
                : EnqueueArguments.Build(_prefix, new EnqueueRequest { Jobs = claim.Jobs, Now = request.Now }, [.. claim.Jobs.Select(static job => ("c", job))]);
            var head = new RedisArguments(11)
                .Add(_prefix)
                .Add(claim.Id)
                .Add(claim.Version)
                .AddTicks(claim.NextRunAt)
                .AddTicks(claim.NewNextRunAt)
                .AddScore(claim.NewNextRunAt)
                .Add(claim.SkipIfLastJobUnfinished ? "1" : "0")
                .AddTicks(overlapSkip);
            if (claim.SkippedAt is { } skipped)
            {
                head.AddTicks(skipped);
            }
            else
            {
                head.Add(string.Empty);
            }

            if (last is not null)
            {
                head.AddTicks(last.RunAt).Add(last.Id.Value);
            }
            else
            {
                head.Add(string.Empty).Add(string.Empty);
            }

            RedisValue[] args = [.. head.ToArray(), .. enqueue];
            RedisResult reply = await EvalAsync(RedisScripts.RecurringClaim, args, cancellationToken).ConfigureAwait(false);
            outcomes[i] = (long)reply switch
            {
                0 => RecurringClaimOutcome.Claimed,
                1 => RecurringClaimOutcome.SkippedOverlap,
                _ => RecurringClaimOutcome.Conflict,
            };
        }

        return outcomes;
    }

    public async ValueTask<bool> TriggerRecurringJobAsync(RecurringTriggerRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        RedisValue[] enqueue = EnqueueArguments.Build(_prefix, new EnqueueRequest { Jobs = [request.Job], Now = request.Now }, [("c", request.Job)]);
        RedisValue[] head = new RedisArguments(4).Add(_prefix).Add(request.Id).AddTicks(request.Job.RunAt).Add(request.Job.Id.Value).ToArray();
        RedisResult reply = await EvalAsync(RedisScripts.RecurringTrigger, [.. head, .. enqueue], cancellationToken).ConfigureAwait(false);
        return (long)reply == 1;
    }

    public async ValueTask<IReadOnlyList<bool>> DeclareRecurringJobsAsync(RecurringDeclareRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var args = new RedisArguments(3 + request.Ids.Count);
        args.Add(_prefix).AddTicks(request.Now).AddScore(request.Now);
        foreach (string id in request.Ids)
        {
            args.Add(id);
        }

        return await RunPerItemAsync(RedisScripts.RecurringDeclare, request.Ids.Count, args, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<string>> PruneRecurringJobsAsync(RecurringPruneRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        RedisValue[] args = new RedisArguments(4)
            .Add(_prefix)
            .AddTicks(request.DeclaredBefore)
            .AddScore(request.DeclaredBefore)
            .Add(request.Limit)
            .ToArray();
        RedisResult reply = await EvalAsync(RedisScripts.RecurringPrune, args, cancellationToken).ConfigureAwait(false);
        return [.. ((RedisResult[])reply!).Select(static item => (string)item!)];
    }

    /// <summary>Reads the scripts' { id, HGETALL } pairs from <paramref name="from"/> on.</summary>
    private static List<StoredRecurringJob> ReadRecurringList(RedisResult[] items, int from)
    {
        var jobs = new List<StoredRecurringJob>((items.Length - from) / 2);
        for (int i = from; i + 1 < items.Length; i += 2)
        {
            jobs.Add(ReadRecurring((string)items[i]!, (RedisValue[])items[i + 1]!));
        }

        return jobs;
    }

    private static StoredRecurringJob ReadRecurring(string id, RedisValue[] hash)
    {
        var fields = new Dictionary<string, RedisValue>(hash.Length / 2, StringComparer.Ordinal);
        for (int i = 0; i + 1 < hash.Length; i += 2)
        {
            fields[(string)hash[i]!] = hash[i + 1];
        }

        // Every field is text to Redis and may be damaged (an HSET by hand): one that does not read is read as its default, so
        // a damaged schedule never fails the read of the others. Its cron or version then fails the engine's checks or claims.
        string Text(string name) => fields.TryGetValue(name, out RedisValue value) ? (string)value! : string.Empty;
        long Number(string name)
            => fields.TryGetValue(name, out RedisValue value) && long.TryParse((string)value!, NumberStyles.Integer, CultureInfo.InvariantCulture, out long number) ? number : 0;
        DateTimeOffset? Time(string name)
            => fields.TryGetValue(name, out RedisValue value) && long.TryParse((string)value!, NumberStyles.None, CultureInfo.InvariantCulture, out long ticks)
                && ticks <= DateTimeOffset.MaxValue.UtcTicks
                ? new DateTimeOffset(ticks, TimeSpan.Zero)
                : null;

        return new StoredRecurringJob
        {
            Id = id,
            Name = Text("n"),
            Cron = Text("c"),
            TimeZone = Text("z"),
            Arguments = fields.TryGetValue("a", out RedisValue arguments) ? (byte[])arguments! : [],
            Queue = fields.TryGetValue("q", out RedisValue queue) ? (string)queue! : null,
            Priority = fields.ContainsKey("pr") ? (int)Math.Clamp(Number("pr"), int.MinValue, int.MaxValue) : null,
            Misfire = (MisfirePolicy)Number("mf"),
            MaxCatchUp = (int)Math.Clamp(Number("mc"), 0, int.MaxValue),
            Overlap = (OverlapPolicy)Number("ov"),
            Paused = Text("p") == "1",
            NextRunAt = Time("nr") ?? DateTimeOffset.MaxValue, // damaged: never due, rather than due since the epoch
            Version = Number("v"),
            LastRunAt = Time("lr"),
            LastJobId = fields.TryGetValue("lj", out RedisValue last) && RedisJobReader.TryParseId((string)last!, out JobId lastId) ? lastId : null,
            LastSkippedAt = Time("ls"),
            DeclaredAt = Time("d"),
            CreatedAt = Time("ca") ?? DateTimeOffset.UnixEpoch,
            UpdatedAt = Time("ua") ?? DateTimeOffset.UnixEpoch,
        };
    }
}
