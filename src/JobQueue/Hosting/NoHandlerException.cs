namespace JobQueue;

/// <summary>
/// Recorded as the error of a job that no host ran within <see cref="JobQueueOptions.UnknownJobTimeout"/> because the
/// hosts that fetched it have no handler for its name. Its type name, "JobQueue.NoHandlerException", is what
/// <c>JobInfo.Error.Type</c> shows.
/// </summary>
internal sealed class NoHandlerException(string message) : Exception(message);
