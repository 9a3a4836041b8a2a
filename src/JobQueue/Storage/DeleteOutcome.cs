namespace JobQueue.Storage;

/// <summary>The outcome of deleting one job through <see cref="IJobStorage.DeleteAsync"/>.</summary>
public enum DeleteOutcome
{
    /// <summary>No such job.</summary>
    NotFound = 0,

    /// <summary>The job had finished (Succeeded, Failed or Cancelled, or a state that does not read) and is gone.</summary>
    Deleted = 1,

    /// <summary>Refused: the job has not finished; nothing changed.</summary>
    NotFinished = 2,
}
