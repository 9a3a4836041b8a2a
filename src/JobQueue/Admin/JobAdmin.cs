using JobQueue.Storage;

namespace JobQueue.Admin;

/// <summary>The <see cref="IJobAdmin"/> AddJobQueue registers: each concern in its own part of this class.</summary>
internal sealed partial class JobAdmin : IJobAdmin
{
    private readonly IJobStorage _storage;
    private readonly TimeProvider _time;

    public JobAdmin(IJobStorage storage, TimeProvider time)
    {
        _storage = storage;
        _time = time;
    }
}
