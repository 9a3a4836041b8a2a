using System.Diagnostics;
using System.Diagnostics.Metrics;
using JobQueue.Storage;

namespace JobQueue.Hosting;

/// <summary>The per-job measurements of an attempt, tagged with the job's name and queue; the tags are only built when something listens.</summary>
internal static class JobMetrics
{
    /// <summary>Adds one to a per-job counter.</summary>
    public static void Count(Counter<long> counter, StoredJob job)
    {
        if (counter.Enabled)
        {
            counter.Add(1, Tags(job));
        }
    }

    public static void Record(Histogram<double> histogram, double milliseconds, StoredJob job)
    {
        if (histogram.Enabled)
        {
            histogram.Record(milliseconds, Tags(job));
        }
    }

    private static TagList Tags(StoredJob job) => new() { { "jobqueue.job.name", job.Name }, { "jobqueue.queue", job.Queue } };
}
