namespace JobQueue;

/// <summary>Settings of the SQLite store, given to <c>UseSqlite("jobs.db", o =&gt; ...)</c>.</summary>
public sealed class SqliteStorageOptions
{
    /// <summary>
    /// How long one attempt of a statement waits for another connection (often another process) to release the
    /// database's write lock before it counts as busy. Set as SQLite's busy_timeout.
    /// </summary>
    /// <value>Defaults to 5 seconds. At least 1 millisecond.</value>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How many times a write that found the database busy is tried again, with a short growing pause, before
    /// it fails with a <see cref="TimeoutException"/> that names the file.
    /// </summary>
    /// <value>Defaults to 5. Zero or more.</value>
    public int BusyRetryLimit { get; set; } = 5;

    /// <summary>
    /// Creates or upgrades the JobQueue tables on first use. When false, the tables must already be at the
    /// current version (apply <see cref="JobQueueSqliteSchema.GetMigrationScript"/> yourself); the first call
    /// otherwise fails with an <see cref="InvalidOperationException"/>. The same name as in the other stores.
    /// </summary>
    /// <value>Defaults to true.</value>
    public bool ApplyMigrations { get; set; } = true;

    /// <summary>The former name of <see cref="ApplyMigrations"/>: reads and sets it.</summary>
    [Obsolete("Use ApplyMigrations; this name goes in the next release.")]
    public bool MigrateOnStart
    {
        get => ApplyMigrations;
        set => ApplyMigrations = value;
    }
}
