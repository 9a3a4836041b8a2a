using JobQueue.Postgres.Storage;
using JobQueue.Storage;
using Npgsql;

namespace JobQueue;

/// <summary>Enqueues jobs inside the caller's own PostgreSQL transaction (the outbox pattern).</summary>
public static class PostgresJobClientExtensions
{
    /// <summary>
    /// Returns a client whose calls run on <paramref name="transaction"/>'s connection, inside it: a job enqueued
    /// through it exists if and only if the transaction commits, and workers see it only then.
    /// </summary>
    /// <param name="jobs">The client registered by AddJobQueue.</param>
    /// <param name="transaction">An open transaction on a connection to the database JobQueue uses.</param>
    /// <param name="schema">The schema JobQueue's tables are in, if not the default "jobqueue".</param>
    /// <returns>A client to use until the transaction ends; waiting for completion through it polls.</returns>
    /// <exception cref="ArgumentException"><paramref name="jobs"/> is not the client AddJobQueue registered, or the schema name is invalid.</exception>
    /// <exception cref="InvalidOperationException">The transaction has already completed.</exception>
    public static IJobClient InTransaction(this IJobClient jobs, NpgsqlTransaction transaction, string schema = PostgresStorageOptions.DefaultSchema)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        ArgumentNullException.ThrowIfNull(transaction);
        PostgresStorageOptions.ValidateSchema(schema);
        if (transaction.Connection is null)
        {
            // Npgsql does not always say so here; a completed transaction is then refused at the client's first call.
            throw new InvalidOperationException("The transaction has already committed or rolled back; call InTransaction with an open transaction.");
        }

        return jobs.WithStorage(new PostgresTransactionStorage(transaction, schema));
    }
}
