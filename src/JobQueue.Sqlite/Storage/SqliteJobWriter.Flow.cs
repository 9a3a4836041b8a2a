using System.Text;
using JobQueue.Storage;
using Microsoft.Data.Sqlite;

namespace JobQueue.Sqlite.Storage;

// Flow control: the fetch with limits, and holds. Both run in the caller's write transaction; in the store's own that is
// BEGIN IMMEDIATE, so every decision below is made under SQLite's single write lock: two fetches with limits, in this
// process or another, never both take the last room of a limit.
internal sealed partial class SqliteJobWriter
{
    /// <summary>
    /// Candidates read per statement by a fetch with limits. Rows are stepped lazily, so a fetch that decides early reads
    /// less; the page bounds what one statement may walk and how often a long backlog costs a new seek.
    /// </summary>
    internal const int CandidatePageSize = 256;

    /// <summary>
    /// Reads the ready jobs in fetch order, in pages, and decides in C# which to lease (see <see cref="FetchLimits"/>),
    /// counting the jobs leased in this call; then leases the chosen ones in one statement and records one start per applied rate scope.
    /// </summary>
    private List<StoredJob> FetchWithLimits(FetchRequest request, FetchLimits limits)
    {
        var decisions = new FlowDecisions(_commands, request.Now);

        // The queue's own limits apply to every job: when they have no room, nothing is examined.
        int room = request.Limit;
        if (limits.QueueConcurrency is { } queueConcurrency)
        {
            room = Math.Min(room, queueConcurrency - decisions.RunningInQueue(request.Queue));
        }

        string queueScope = FlowScope.Queue(request.Queue);
        if (limits.QueueRate is { } queueRate)
        {
            room = Math.Min(room, decisions.RateRoom(queueScope, queueRate));
        }

        if (room <= 0)
        {
            return [];
        }

        Dictionary<string, NameLimits>? names = limits.Names.Count == 0 ? null : limits.Names.ToDictionary(n => n.Name, StringComparer.Ordinal);
        bool anyHold = decisions.AnyLiveHold();
        var chosen = new List<long>(Math.Min(room, 64));
        var starts = new List<(string Scope, RateLimit Limit)>();
        var applied = new List<(string Scope, RateLimit Limit)>(3);
        int skipped = 0;

        // Candidates are read in pages, keyset on the fetch order, until the decisions stop: a job over its key's
        // concurrency limit does not count as skipped (FetchLimits), so a busy key's backlog is read past, however long.
        string sql = FlowSql.Candidates;
        SqliteCommand page = _commands.Get(sql)
            .With("$queue", request.Queue)
            .With("$now", request.Now)
            .With("$limit", (long)CandidatePageSize);
        (object Priority, object RunAt, long Seq)? last = null;
        while (true)
        {
            int read = 0;
            bool stopped = false;
            using (SqliteDataReader reader = page.ExecuteReader())
            {
                // The counts below are reads on the same connection while this reader steps: SQLite allows that, and
                // nothing is written until every page is read (an update of the rows it walks could move them under it).
                while (reader.Read())
                {
                    read++;
                    long seq = reader.GetInt64(0);
                    last = (reader.GetValue(3), reader.GetValue(4), seq);

                    // A damaged name or key (not text) has no limits of its own; the lease then fails the job as unreadable.
                    string? name = !reader.IsDBNull(1) && reader.GetFieldType(1) == typeof(string) ? reader.GetString(1) : null;
                    string? key = !reader.IsDBNull(2) && reader.GetFieldType(2) == typeof(string) ? reader.GetString(2) : null;
                    NameLimits? own = name is not null && names is not null ? names.GetValueOrDefault(name) : null;

                    applied.Clear();
                    bool held = anyHold && ((key is not null && decisions.IsHeld(FlowScope.Key(key)))
                        || (name is not null && decisions.IsHeld(FlowScope.Name(name))));
                    if (!held && key is not null && (own?.ConcurrencyPerKey ?? limits.ConcurrencyPerKey) is { } perKey
                        && decisions.RunningWithKey(key) >= perKey)
                    {
                        // Over its key's concurrency limit: passed over without counting, nothing written to the job.
                        continue;
                    }

                    bool fits = !held;
                    if (fits && own?.Rate is { } nameRate)
                    {
                        applied.Add((FlowScope.Name(name!), nameRate));
                    }

                    if (fits && key is not null && (own?.RatePerKey ?? limits.RatePerKey) is { } keyRate)
                    {
                        applied.Add((FlowScope.Key(key), keyRate));
                    }

                    foreach ((string scope, RateLimit limit) in applied)
                    {
                        fits = fits && decisions.RateRoom(scope, limit) > 0;
                    }

                    if (!fits)
                    {
                        // Held or out of rate room: skipped, nothing written to the job; later jobs are still examined,
                        // up to the maximum of skips.
                        if (++skipped >= limits.MaxSkipped)
                        {
                            stopped = true;
                            break;
                        }

                        continue;
                    }

                    chosen.Add(seq);
                    if (key is not null)
                    {
                        decisions.Leased(key);
                    }

                    if (limits.QueueRate is { } rate)
                    {
                        starts.Add((queueScope, rate));
                    }

                    foreach ((string scope, RateLimit limit) in applied)
                    {
                        decisions.Started(scope);
                        starts.Add((scope, limit));
                    }

                    if (chosen.Count >= room)
                    {
                        stopped = true;
                        break;
                    }
                }
            }

            if (stopped || last is not { } cursor)
            {
                break;
            }

            // Keyset: a full page continues after its last row within that row's priority; a short page ends that level,
            // and the levels below come next. A short first page, or a short page of the levels below, ends the queue.
            if (read < CandidatePageSize && sql != FlowSql.CandidatesInLevelAfter)
            {
                break;
            }

            sql = read < CandidatePageSize ? FlowSql.CandidatesBelowLevel : FlowSql.CandidatesInLevelAfter;
            page = _commands.Get(sql)
                .With("$queue", request.Queue)
                .With("$now", request.Now)
                .With("$priority", cursor.Priority)
                .With("$limit", (long)CandidatePageSize);
            if (sql == FlowSql.CandidatesInLevelAfter)
            {
                page.With("$run_at", cursor.RunAt).With("$seq", cursor.Seq);
            }
        }

        if (chosen.Count == 0)
        {
            return [];
        }

        RecordStarts(starts, request.Now);
        SqliteCommand lease = _commands.Get(FlowSql.LeaseChosen)
            .With("$now", request.Now)
            .With("$lease_token", request.LeaseToken)
            .With("$lease_expires_at", request.LeaseExpiresAt)
            .With("$worker_id", request.WorkerId)
            .With("$seqs", ToJsonArray(chosen));
        return ReadLeased(lease, request);
    }

    /// <summary>One row per start at now; then each scope's starts long out of its window are deleted, a bounded number per scope.</summary>
    private void RecordStarts(List<(string Scope, RateLimit Limit)> starts, DateTimeOffset now)
    {
        if (starts.Count == 0)
        {
            return;
        }

        SqliteCommand insert = _commands.Get(FlowSql.InsertStart).With("$now", now).WithNull("$scope");

        // A scope limited with two periods (a key shared by names with different per-key rates) keeps the longer one's.
        var longest = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        foreach ((string scope, RateLimit limit) in starts)
        {
            insert.Set("$scope", scope);
            insert.ExecuteNonQuery();
            longest[scope] = longest.TryGetValue(scope, out TimeSpan period) && period > limit.Period ? period : limit.Period;
        }

        SqliteCommand prune = _commands.Get(FlowSql.PruneStarts).WithNull("$scope").WithNull("$before");
        foreach ((string scope, TimeSpan period) in longest)
        {
            prune.Set("$scope", scope);
            // Kept one period longer than their window: a fetch in another process whose now lags this one's by up to a
            // period still counts them (see FlowSql.CountStarts). Deleted at once, a lagging fetch's window lost starts and
            // let more than the limit start within one period (24 under a limit of 20 in the multi-process test).
            prune.Set("$before", SqliteTime.ToStored(now - period - period));
            prune.ExecuteNonQuery();
        }
    }

    public bool Hold(HoldRequest request)
    {
        SqliteCommand hold = _commands.Get(FlowSql.Hold).WithNull("$scope").WithNull("$until");
        foreach (FlowHold item in request.Holds)
        {
            hold.Set("$scope", item.Scope);
            hold.Set("$until", SqliteTime.ToStored(item.Until));
            hold.ExecuteNonQuery();
        }

        _commands.Get(FlowSql.PruneHolds).With("$now", request.Now).ExecuteNonQuery();
        return true;
    }

    private static string ToJsonArray(List<long> values)
    {
        var json = new StringBuilder("[");
        for (int i = 0; i < values.Count; i++)
        {
            json.Append(i == 0 ? "" : ",").Append(values[i]);
        }

        return json.Append(']').ToString();
    }
}
