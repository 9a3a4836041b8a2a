using JobQueue.Sqlite.Storage;
using JobQueue.Storage;
using Microsoft.Data.Sqlite;

namespace JobQueue;

/// <summary>Enqueues jobs inside your own SQLite transaction.</summary>
public static class SqliteJobClientExtensions
{
    /// <summary>
    /// Returns a client whose calls run on <paramref name="transaction"/>: jobs enqueued through it are written
    /// when the transaction commits and never exist if it rolls back. Use the returned client only while the
    /// transaction is open, from one thread at a time, as the connection itself requires.
    /// </summary>
    /// <remarks>
    /// The transaction's database must hold the JobQueue tables: the same file given to UseSqlite, or one migrated
    /// with <see cref="JobQueueSqliteSchema.GetMigrationScript"/>. Workers learn of such jobs at their next poll,
    /// since nothing can signal them before the commit.
    /// </remarks>
    /// <param name="jobs">The client registered by AddJobQueue.</param>
    /// <param name="transaction">An open transaction on the database that holds the jobs.</param>
    /// <exception cref="ArgumentException">The transaction has already completed, or <paramref name="jobs"/> is not the registered client.</exception>
    public static IJobClient InTransaction(this IJobClient jobs, SqliteTransaction transaction)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        ArgumentNullException.ThrowIfNull(transaction);
        if (transaction.Connection is null)
        {
            throw new ArgumentException("The SqliteTransaction has already been committed or rolled back; enqueue inside an open transaction.", nameof(transaction));
        }

        return jobs.WithStorage(new SqliteTransactionStorage(transaction));
    }
}
