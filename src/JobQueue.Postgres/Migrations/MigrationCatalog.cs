namespace JobQueue.Postgres.Migrations;

/// <summary>Every schema step, in order, and the bookkeeping SQL around them.</summary>
internal static partial class MigrationCatalog
{
    public static IReadOnlyList<Migration> All { get; } =
    [
        new(1, "jobs and batches tables with their partial indexes", Version1),
        new(2, "recurring jobs", Version2RecurringJobs),
        new(QueuesMigration.Version, QueuesMigration.Description, QueuesMigration.Sql),
        new(4, "job listing indexes and throughput counts", Version4),
        new(5, "job logs", Version5JobLogs),
        new(6, "flow control: limit keys, rate starts and holds; idempotency scopes; batch failure policy and nesting", Version6Flow),
    ];

    /// <summary>Creates the schema and the table that records applied versions; safe to run again.</summary>
    public static string Bootstrap(string s) => $"""
        CREATE SCHEMA IF NOT EXISTS {s};
        CREATE TABLE IF NOT EXISTS {s}.schema_migrations (
            version     integer     PRIMARY KEY,
            description text        NOT NULL,
            applied_at  timestamptz NOT NULL DEFAULT now()
        );
        """;

    /// <summary>Records one applied version; parameters @version and @description.</summary>
    public static string Record(string s) =>
        $"INSERT INTO {s}.schema_migrations (version, description) VALUES (@version, @description) ON CONFLICT (version) DO NOTHING";

    public static string AppliedVersions(string s) => $"SELECT version FROM {s}.schema_migrations";

    /// <summary>
    /// A transaction-scoped advisory lock key per schema, so hosts migrating different schemas do not wait on
    /// each other. A stable hash (FNV-1a), never string.GetHashCode, which differs per process.
    /// </summary>
    public static long LockKey(string schema)
    {
        ulong hash = 14695981039346656037;
        foreach (char c in "jobqueue.migrations:" + schema)
        {
            hash = (hash ^ c) * 1099511628211;
        }

        return unchecked((long)hash);
    }

    // Job states are stored as the JobState numbers: 0 Scheduled, 1 Enqueued, 2 Running, 3 Succeeded,
    // 4 Failed, 5 Cancelled, 6 Awaiting. Batch states: 0 Running, 1 Succeeded, 2 Failed.
    private static string Version1(string s) => $"""
        CREATE TABLE {s}.batches (
            id             uuid        PRIMARY KEY,
            state          smallint    NOT NULL DEFAULT 0,
            total          integer     NOT NULL DEFAULT 0,
            succeeded      integer     NOT NULL DEFAULT 0,
            failed         integer     NOT NULL DEFAULT 0,
            success_job_id uuid,
            failure_job_id uuid,
            created_at     timestamptz NOT NULL,
            finished_at    timestamptz
        );

        CREATE TABLE {s}.jobs (
            id                uuid        PRIMARY KEY,
            -- Enqueue order, the last ordering key of fetch: client-made ids are not ordered across processes.
            seq               bigint      GENERATED ALWAYS AS IDENTITY,
            name              text        NOT NULL,
            queue             text        NOT NULL,
            state             smallint    NOT NULL,
            priority          integer     NOT NULL DEFAULT 0,
            -- bytea, not jsonb: the arguments come back byte for byte as the client wrote them.
            arguments         bytea       NOT NULL,
            attempt           integer     NOT NULL DEFAULT 0,
            max_attempts      integer     NOT NULL,
            -- TimeSpan ticks: exact, where interval would round to microseconds.
            timeout_ticks     bigint      NOT NULL,
            retry_delay_ticks bigint      NOT NULL,
            run_at            timestamptz NOT NULL,
            enqueued_at       timestamptz NOT NULL,
            started_at        timestamptz,
            finished_at       timestamptz,
            result            bytea,
            errors            jsonb       NOT NULL DEFAULT '[]',
            progress_percent  double precision,
            progress_message  text,
            idempotency_key   text,
            batch_id          uuid,
            -- A batch's success or failure callback: never counted as one of its children.
            is_callback       boolean     NOT NULL DEFAULT false,
            trace_parent      text,
            lease_token       uuid,
            lease_expires_at  timestamptz,
            worker_id         text
        );

        -- Fetch reads only Enqueued rows in fetch order: the index stays small however many finished rows pile up.
        CREATE INDEX jobs_fetch_idx ON {s}.jobs (queue, priority DESC, run_at, seq) WHERE state = 1;
        -- Promotion of due Scheduled jobs.
        CREATE INDEX jobs_scheduled_idx ON {s}.jobs (run_at) WHERE state = 0;
        -- Rescue of expired leases.
        CREATE INDEX jobs_running_idx ON {s}.jobs (lease_expires_at) WHERE state = 2;
        -- Retention pruning, oldest finished first.
        CREATE INDEX jobs_finished_idx ON {s}.jobs (finished_at) WHERE state IN (3, 4, 5);
        -- A key is held only by a live job (neither Failed nor Cancelled); the index is also ON CONFLICT's arbiter.
        CREATE UNIQUE INDEX jobs_idempotency_idx ON {s}.jobs (idempotency_key)
            WHERE idempotency_key IS NOT NULL AND state NOT IN (4, 5);
        CREATE INDEX jobs_batch_idx ON {s}.jobs (batch_id) WHERE batch_id IS NOT NULL;
        -- Dashboards list newest first.
        CREATE INDEX jobs_seq_idx ON {s}.jobs (seq DESC);
        CREATE INDEX batches_finished_idx ON {s}.batches (finished_at) WHERE finished_at IS NOT NULL;
        """;

    // Listing jobs newest first (IJobAdmin.QueryJobsAsync) by state, name or queue reads only the page. The state
    // index leaves out Enqueued (1) rows, which jobs_fetch_idx holds, so the fetch path writes no entry more for
    // them. IF NOT EXISTS throughout: the step applies on its own, whatever other steps are present.
    private static string Version4(string s) => $"""
        CREATE INDEX IF NOT EXISTS jobs_state_seq_idx ON {s}.jobs (state, seq DESC) WHERE state <> 1;
        CREATE INDEX IF NOT EXISTS jobs_name_seq_idx ON {s}.jobs (name, seq DESC);
        CREATE INDEX IF NOT EXISTS jobs_queue_seq_idx ON {s}.jobs (queue, seq DESC);

        -- Attempts that ended per minute (UTC) and queue, counted in the statement that records each outcome;
        -- pruned after 24 hours. Each minute and queue has up to 16 rows (shard: the writing backend's pid modulo
        -- 16), summed when read: one row would be locked by every completion of the queue until its commit, so
        -- concurrent completions would wait for each other's commits instead of committing together.
        CREATE TABLE IF NOT EXISTS {s}.throughput (
            minute    timestamptz NOT NULL,
            queue     text        NOT NULL,
            shard     smallint    NOT NULL,
            succeeded bigint      NOT NULL DEFAULT 0,
            failed    bigint      NOT NULL DEFAULT 0,
            PRIMARY KEY (minute, queue, shard)
        );
        """;
}
