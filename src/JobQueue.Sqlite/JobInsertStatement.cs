using System.Text;
using JobQueue.Storage;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace JobQueue.Sqlite;

/// <summary>
/// <see cref="JobSql.InsertJob"/>, compiled once per connection and bound by parameter position: the statement
/// bulk enqueue runs once per job.
/// </summary>
/// <remarks>
/// Microsoft.Data.Sqlite binds every parameter by name on every execution (each name converted to UTF-8 and
/// looked up in the statement again, each value boxed): for this row of fifteen values that cost more than
/// SQLite's insert itself. Here the positions are looked up once, text is encoded into one reused buffer (SQLite
/// copies bound text), and a row allocates nothing. The statement runs on the connection's handle, so inside
/// whatever transaction that connection has open, and is finalized before the connection closes.
/// </remarks>
internal sealed class JobInsertStatement : IDisposable
{
    private readonly sqlite3 _database;
    private readonly sqlite3_stmt _statement;
    private readonly int _id, _name, _queue, _state, _priority, _arguments, _maxAttempts, _timeoutTicks, _retryDelayTicks,
        _runAt, _now, _idempotencyKey, _batchId, _isBatchCallback, _traceParent;
    private byte[] _text = new byte[256];

    public JobInsertStatement(SqliteConnection connection)
    {
        _database = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        int rc = raw.sqlite3_prepare_v2(_database, JobSql.InsertJob, out _statement);
        SqliteException.ThrowExceptionForRC(rc, _database);
        _id = Position("$id");
        _name = Position("$name");
        _queue = Position("$queue");
        _state = Position("$state");
        _priority = Position("$priority");
        _arguments = Position("$arguments");
        _maxAttempts = Position("$max_attempts");
        _timeoutTicks = Position("$timeout_ticks");
        _retryDelayTicks = Position("$retry_delay_ticks");
        _runAt = Position("$run_at");
        _now = Position("$now");
        _idempotencyKey = Position("$idempotency_key");
        _batchId = Position("$batch_id");
        _isBatchCallback = Position("$is_batch_callback");
        _traceParent = Position("$trace_parent");
    }

    /// <summary>Inserts one job row. Every parameter is bound on every call, so nothing of an earlier row stays.</summary>
    /// <exception cref="SqliteException">SQLite refused the row (for example a live idempotency key another process holds).</exception>
    public void Execute(NewJob job, JobState state, BatchId? batchId, bool isCallback, DateTimeOffset now)
    {
        try
        {
            BindGuid(_id, job.Id.Value);
            BindText(_name, job.Name);
            BindText(_queue, job.Queue);
            Bind(_state, (int)state);
            Bind(_priority, job.Priority);
            BindBlob(_arguments, job.Arguments);
            Bind(_maxAttempts, job.MaxAttempts);
            Bind(_timeoutTicks, job.Timeout.Ticks);
            Bind(_retryDelayTicks, job.RetryDelay.Ticks);
            Bind(_runAt, SqliteTime.ToStored(job.RunAt));
            Bind(_now, SqliteTime.ToStored(now));
            BindText(_idempotencyKey, isCallback ? null : job.IdempotencyKey);
            if (batchId is { } id)
            {
                BindGuid(_batchId, id.Value);
            }
            else
            {
                Check(raw.sqlite3_bind_null(_statement, _batchId));
            }

            Bind(_isBatchCallback, isCallback ? 1 : 0);
            BindText(_traceParent, job.TraceParent);
            int rc = raw.sqlite3_step(_statement);
            if (rc != raw.SQLITE_DONE)
            {
                SqliteException.ThrowExceptionForRC(rc, _database);
            }
        }
        finally
        {
            // Ready for the next row; the error of a failed step was read above, before the reset.
            raw.sqlite3_reset(_statement);
        }
    }

    public void Dispose() => _statement.Dispose();

    private int Position(string name)
    {
        int position = raw.sqlite3_bind_parameter_index(_statement, name);
        if (position == 0)
        {
            throw new InvalidOperationException($"JobSql.InsertJob has no parameter {name}.");
        }

        return position;
    }

    private void Bind(int position, long value) => Check(raw.sqlite3_bind_int64(_statement, position, value));

    /// <summary>Ids are stored as text in the canonical "D" form, as <see cref="StoredJobReader.Format"/> writes them.</summary>
    private void BindGuid(int position, Guid value)
    {
        Span<byte> utf8 = stackalloc byte[36];
        value.TryFormat(utf8, out int written, "D");
        Check(raw.sqlite3_bind_text(_statement, position, utf8[..written]));
    }

    private void BindText(int position, string? value)
    {
        if (value is null)
        {
            Check(raw.sqlite3_bind_null(_statement, position));
            return;
        }

        if (value.Length == 0)
        {
            // An empty span would pass a null pointer, which SQLite binds as NULL rather than as ''.
            Check(raw.sqlite3_bind_text(_statement, position, string.Empty));
            return;
        }

        int most = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (_text.Length < most)
        {
            _text = new byte[Math.Max(most, _text.Length * 2)];
        }

        int length = Encoding.UTF8.GetBytes(value, _text);
        Check(raw.sqlite3_bind_text(_statement, position, _text.AsSpan(0, length)));
    }

    private void BindBlob(int position, byte[] value)
    {
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
}
