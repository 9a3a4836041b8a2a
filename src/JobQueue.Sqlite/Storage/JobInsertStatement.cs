using System.Text;
using JobQueue.Storage;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace JobQueue.Sqlite.Storage;

/// <summary>
/// <see cref="JobSql.InsertJobs(int)"/> for a fixed number of rows, compiled once per connection and bound by
/// parameter position through SQLitePCLRaw: the statement bulk enqueue runs for every few jobs.
/// </summary>
/// <remarks>
/// <para>
/// Microsoft.Data.Sqlite binds every parameter by name on every execution (each name converted to UTF-8 and
/// looked up in the statement again, each value boxed): for a row of fifteen values that cost more than SQLite's
/// insert itself. Here positions are computed, text is encoded into one reused buffer (SQLite copies bound text),
/// and a row allocates nothing.
/// </para>
/// <para>
/// Several rows per statement: each execution of an INSERT opens a cursor on the table and on every index of it,
/// whatever the rows; one statement of many rows opens them once for all of its rows.
/// </para>
/// <para>
/// A value is bound only when it differs from the one bound at that position before: SQLite keeps bindings
/// across sqlite3_reset, and each bind is a call into SQLite that takes its connection mutex. The jobs of one
/// request mostly share their name, queue, times and options, so a row usually binds just its id and arguments.
/// What is bound is tracked exactly (text by reference, as strings are immutable; arguments, whose arrays could
/// change, are always bound), so no value of an earlier row can stay in place of a different one.
/// </para>
/// <para>
/// The statement runs on the connection's handle, so inside whatever transaction that connection has open, and
/// is finalized before the connection closes.
/// </para>
/// </remarks>
internal sealed class JobInsertStatement : IDisposable
{
    // Positions of the values within a row, as in JobSql.InsertJobs.
    private const int Id = 0, Name = 1, Queue = 2, State = 3, Priority = 4, Arguments = 5, MaxAttempts = 6, TimeoutTicks = 7,
        RetryDelayTicks = 8, RunAt = 9, Now = 10, IdempotencyKey = 11, BatchIdColumn = 12, IsBatchCallback = 13, TraceParent = 14,
        LimitKey = 15, IdempotencyScopeColumn = 16, IdempotencyUntil = 17;

    private readonly sqlite3 _database;
    private readonly sqlite3_stmt _statement;
    private readonly Bound[] _bound;
    private byte[] _text = new byte[256];

    /// <exception cref="SqliteException">SQLite could not compile the statement.</exception>
    public JobInsertStatement(SqliteConnection connection, int rows)
    {
        _database = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        int rc = raw.sqlite3_prepare_v2(_database, JobSql.InsertJobs(rows), out _statement);
        SqliteException.ThrowExceptionForRC(rc, _database);
        Rows = rows;

        // Index 0 unused: SQLite numbers parameters from 1. Every entry starts as Unknown, so the first use binds all.
        _bound = new Bound[(rows * JobSql.InsertJobValueCount) + 1];
    }

    /// <summary>The number of rows each execution inserts.</summary>
    public int Rows { get; }

    /// <summary>Inserts exactly <see cref="Rows"/> rows, all enqueued at <paramref name="now"/>.</summary>
    /// <exception cref="SqliteException">SQLite refused a row (for example a live idempotency key another process holds); none of them is inserted.</exception>
    public void Execute(ReadOnlySpan<JobRow> rows, DateTimeOffset now)
    {
        if (rows.Length != Rows)
        {
            throw new ArgumentException($"This statement inserts {Rows} rows, not {rows.Length}.", nameof(rows));
        }

        try
        {
            long stamp = SqliteTime.ToStored(now);
            for (int row = 0; row < rows.Length; row++)
            {
                BindRow(row * JobSql.InsertJobValueCount, rows[row], stamp);
            }

            int rc = raw.sqlite3_step(_statement);
            if (rc != raw.SQLITE_DONE)
            {
                SqliteException.ThrowExceptionForRC(rc, _database);
            }
        }
        finally
        {
            // Ready for the next rows; the error of a failed step was read above, before the reset. The bindings stay.
            raw.sqlite3_reset(_statement);
        }
    }

    public void Dispose() => _statement.Dispose();

    private void BindRow(int offset, in JobRow row, long now)
    {
        NewJob job = row.Job;
        BindGuid(offset + Id, job.Id.Value);
        BindText(offset + Name, job.Name);
        BindText(offset + Queue, job.Queue);
        BindInteger(offset + State, (int)row.State);
        BindInteger(offset + Priority, job.Priority);
        BindBlob(offset + Arguments, job.Arguments);
        BindInteger(offset + MaxAttempts, job.MaxAttempts);
        BindInteger(offset + TimeoutTicks, job.Timeout.Ticks);
        BindInteger(offset + RetryDelayTicks, job.RetryDelay.Ticks);
        BindInteger(offset + RunAt, SqliteTime.ToStored(job.RunAt));
        BindInteger(offset + Now, now);
        BindText(offset + IdempotencyKey, row.IsCallback ? null : job.IdempotencyKey);
        if (row.BatchId is { } batchId)
        {
            BindGuid(offset + BatchIdColumn, batchId.Value);
        }
        else
        {
            BindNull(offset + BatchIdColumn);
        }

        BindInteger(offset + IsBatchCallback, row.IsCallback ? 1 : 0);
        BindText(offset + TraceParent, job.TraceParent);
        BindText(offset + LimitKey, job.LimitKey);
        BindInteger(offset + IdempotencyScopeColumn, (int)job.IdempotencyScope);
        if (job.IdempotencyUntil is { } until)
        {
            BindInteger(offset + IdempotencyUntil, SqliteTime.ToStored(until));
        }
        else
        {
            BindNull(offset + IdempotencyUntil);
        }
    }

    private void BindInteger(int column, long value)
    {
        int position = column + 1;
        if (_bound[position] is { Kind: BoundKind.Integer } bound && bound.Integer == value)
        {
            return;
        }

        _bound[position] = default;
        Check(raw.sqlite3_bind_int64(_statement, position, value));
        _bound[position] = new Bound { Kind = BoundKind.Integer, Integer = value };
    }

    private void BindNull(int column)
    {
        int position = column + 1;
        if (_bound[position].Kind == BoundKind.Null)
        {
            return;
        }

        _bound[position] = default;
        Check(raw.sqlite3_bind_null(_statement, position));
        _bound[position] = new Bound { Kind = BoundKind.Null };
    }

    /// <summary>Ids are stored as text in the canonical "D" form, as <see cref="StoredJobReader.Format"/> writes them.</summary>
    private void BindGuid(int column, Guid value)
    {
        int position = column + 1;
        if (_bound[position] is { Kind: BoundKind.Guid } bound && bound.Guid == value)
        {
            return;
        }

        _bound[position] = default;
        Span<byte> utf8 = stackalloc byte[36];
        value.TryFormat(utf8, out int written, "D");
        Check(raw.sqlite3_bind_text(_statement, position, utf8[..written]));
        _bound[position] = new Bound { Kind = BoundKind.Guid, Guid = value };
    }

    private void BindText(int column, string? value)
    {
        if (value is null)
        {
            BindNull(column);
            return;
        }

        int position = column + 1;
        if (_bound[position] is { Kind: BoundKind.Text } bound && ReferenceEquals(bound.Text, value))
        {
            return;
        }

        _bound[position] = default;
        if (value.Length == 0)
        {
            // An empty span would pass a null pointer, which SQLite binds as NULL rather than as ''.
            Check(raw.sqlite3_bind_text(_statement, position, string.Empty));
        }
        else
        {
            int most = Encoding.UTF8.GetMaxByteCount(value.Length);
            if (_text.Length < most)
            {
                _text = new byte[Math.Max(most, _text.Length * 2)];
            }

            int length = Encoding.UTF8.GetBytes(value, _text);
            Check(raw.sqlite3_bind_text(_statement, position, _text.AsSpan(0, length)));
        }

        _bound[position] = new Bound { Kind = BoundKind.Text, Text = value };
    }

    /// <summary>Always bound: an array can change after it was bound, so the same reference may hold other bytes.</summary>
    private void BindBlob(int column, byte[] value)
    {
        int position = column + 1;
        _bound[position] = default;

        // As for text, an empty span would bind NULL: a zero-length blob is bound as one explicitly.
        Check(value.Length == 0
            ? raw.sqlite3_bind_zeroblob(_statement, position, 0)
            : raw.sqlite3_bind_blob(_statement, position, value));
    }

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, _database);
        }
    }

    private enum BoundKind : byte
    {
        /// <summary>Not known (never bound, or a bind failed): the next value is bound whatever it is.</summary>
        Unknown,
        Null,
        Integer,
        Guid,
        Text,
    }

    /// <summary>What one parameter holds now.</summary>
    private struct Bound
    {
        public BoundKind Kind;
        public long Integer;
        public Guid Guid;
        public string? Text;
    }
}
