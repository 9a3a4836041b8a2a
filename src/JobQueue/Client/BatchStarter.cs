using System.Diagnostics;
using JobQueue.Diagnostics;
using JobQueue.Storage;

namespace JobQueue.Client;

/// <summary>Builds and writes a batch: for <see cref="IJobClient.StartBatchAsync"/> and for a job's nested batch.</summary>
internal static class BatchStarter
{
    /// <exception cref="ArgumentException">The batch has no child, or its options are invalid.</exception>
    public static async ValueTask<BatchId> StartAsync(IJobStorage storage, JobFactory factory, JobQueueDiagnostics? diagnostics,
        UnservedQueues? unserved, DateTimeOffset now, Action<BatchBuilder> build, BatchId? parentBatchId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(build);
        var builder = new BatchBuilder(factory, BatchId.New(), now);
        using Activity? activity = JobQueueDiagnostics.ActivitySource.StartActivity("batch start", ActivityKind.Producer);
        activity?.SetTag("jobqueue.batch.id", builder.Id.ToString());
        build(builder);
        if (builder.Children.Count == 0)
        {
            throw new ArgumentException("The batch has no child job: call Enqueue(...) on the builder at least once.", nameof(build));
        }

        if (!Enum.IsDefined(builder.FailurePolicy))
        {
            throw new ArgumentException($"BatchBuilder.FailurePolicy is {builder.FailurePolicy}, which is no BatchFailurePolicy value.", nameof(build));
        }

        var request = new EnqueueRequest
        {
            Jobs = builder.Children,
            Batch = new NewBatch
            {
                Id = builder.Id,
                SuccessCallback = builder.SuccessCallback,
                FailureCallback = builder.FailureCallback,
                FailurePolicy = builder.FailurePolicy,
                ParentBatchId = parentBatchId,
            },
            Now = now,
        };
        await storage.EnqueueAsync(request, cancellationToken).ConfigureAwait(false);
        activity?.SetTag("jobqueue.batch.size", builder.Children.Count);
        foreach (NewJob child in builder.Children)
        {
            diagnostics?.Enqueued.Add(1, new KeyValuePair<string, object?>("jobqueue.job.name", child.Name),
                new KeyValuePair<string, object?>("jobqueue.queue", child.Queue));
        }

        // Null inside a job: a nested batch is started by a worker host, whose own queues are the point.
        if (unserved is not null)
        {
            await unserved.CheckAsync(request.Jobs.Concat(new[] { builder.SuccessCallback, builder.FailureCallback }.OfType<NewJob>())).ConfigureAwait(false);
        }

        return builder.Id;
    }
}
