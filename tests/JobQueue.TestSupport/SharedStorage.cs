namespace JobQueue.TestSupport;

/// <summary>
/// Lets several test hosts share one store instance (as several processes share one database) without the
/// first host to stop disposing it: this wrapper is not disposable, so the host's container leaves it alone.
/// </summary>
public sealed class SharedStorage(JobQueue.Storage.IJobStorage inner) : DelegatingStorage(inner);
