namespace JobQueue.Storage.Tests;

/// <summary>
/// Ways a stored job can be damaged behind its store's back (an edit by hand, a broken tool), each in a field the
/// store's reader must survive. A store's hook applies one with its own SQL or Redis commands and returns the name
/// its reader gives that field in <see cref="StoredJob.Unreadable"/>.
/// </summary>
public enum Damage
{
    /// <summary>The state is a number that is no <see cref="JobState"/> (9).</summary>
    State,

    /// <summary>
    /// The job failed once before (its attempt is 1), and the record of that failure does not read as an error:
    /// not JSON where the store can hold that, else JSON of the wrong shape.
    /// </summary>
    Errors,

    /// <summary>A time that does not read: text where the store can hold that, else one outside the years .NET holds.</summary>
    Time,

    /// <summary>The batch id is not an id. Only a store that keeps ids as text can hold it.</summary>
    BatchId,

    /// <summary>The lease token is not a Guid. Only a store that keeps ids as text can hold it.</summary>
    LeaseToken,

    /// <summary>The job's own id is not an id. Only a store that keeps ids as text can hold it.</summary>
    Id,
}
