using JobQueue.Storage;
using StackExchange.Redis;

namespace JobQueue.Redis.Storage;

/// <summary>
/// Writes an enqueue request as the arguments of the enqueue scripts (see <c>RedisScripts.Enqueue</c>): what jobs
/// share (a template) once, then each job's own fields.
/// </summary>
/// <remarks>
/// The jobs of a bulk request, and concurrent single enqueues coalesced into one request, almost always share
/// their name, queue, priority, options and batch. Sending those once per distinct combination cuts the request's
/// arguments by half, and with them the server's parsing, and lets the script build key names once per template.
/// </remarks>
internal static class EnqueueArguments
{
    private const int TemplateFields = 11;
    private const int JobFields = 8;

    // A job's id and two padded times (run at, and the enqueue's now once per call).
    private const int FormattedBytesPerJob = 36 + RedisValues.TicksDigits;

    public static RedisValue[] Build(string prefix, EnqueueRequest request, List<(string Kind, NewJob Job)> jobs)
    {
        var templates = new List<Template>(1);
        Dictionary<Template, int>? index = null;
        var numbers = new int[jobs.Count];
        for (int i = 0; i < jobs.Count; i++)
        {
            // Children and callbacks alike: a null would otherwise surface as a failure inside the client.
            ArgumentNullException.ThrowIfNull(jobs[i].Job.Arguments, nameof(request));
            var template = new Template(jobs[i].Kind, jobs[i].Job);
            numbers[i] = Find(templates, ref index, template);
        }

        var args = new RedisArguments(7 + (templates.Count * TemplateFields) + (jobs.Count * JobFields), 64 + (jobs.Count * FormattedBytesPerJob));
        args.Add(prefix)
            .AddTicks(request.Now)
            .AddScore(request.Now)
            .Add(request.Batch?.Id.ToString() ?? string.Empty)
            .Add(templates.Count)
            .Add((int)(request.Batch?.FailurePolicy ?? BatchFailurePolicy.Continue))
            .Add(request.Batch?.ParentBatchId?.ToString() ?? string.Empty);
        foreach (Template template in templates)
        {
            args.Add(template.Kind)
                .Add(template.Name)
                .Add(template.Queue)
                .Add(template.Priority)
                .Add(template.MaxAttempts)
                .Add(template.Timeout.Ticks)
                .Add(template.RetryDelay.Ticks)
                .Add(template.BatchId?.ToString() ?? string.Empty)
                .Add((int)template.IdempotencyScope)
                .Add(template.IdempotencyUntil is { } until ? RedisValues.Ticks(until) : string.Empty)
                .Add(template.ReplaceOnConflict ? "1" : "0");
        }

        for (int i = 0; i < jobs.Count; i++)
        {
            NewJob job = jobs[i].Job;
            args.Add(numbers[i])
                .Add(job.Id.Value)
                .Add(job.Arguments)
                .Add(job.IdempotencyKey ?? string.Empty)
                .AddTicks(job.RunAt)
                .AddScore(job.RunAt)
                .Add(job.TraceParent ?? string.Empty)
                .Add(job.LimitKey ?? string.Empty);
        }

        return args.ToArray();
    }

    /// <summary>The template's number (from 1, as the script counts), adding it if it is new.</summary>
    private static int Find(List<Template> templates, ref Dictionary<Template, int>? index, Template template)
    {
        // Consecutive jobs of a request usually share a template, so the last one is checked first, and the
        // index of all of them is only built once a request turns out to have more than one.
        if (templates.Count > 0 && templates[^1].Equals(template))
        {
            return templates.Count;
        }

        if (index is null)
        {
            index = new Dictionary<Template, int>(templates.Count + 1);
            for (int i = 0; i < templates.Count; i++)
            {
                index[templates[i]] = i + 1;
            }
        }

        if (index.TryGetValue(template, out int number))
        {
            return number;
        }

        templates.Add(template);
        index.Add(template, templates.Count);
        return templates.Count;
    }

    /// <summary>What the script's template holds; equal templates are sent once.</summary>
    /// <remarks>The idempotency scope, end and conflict rule are options of an enqueue, shared by its jobs as the rest is.</remarks>
    private readonly record struct Template(string Kind, string Name, string Queue, int Priority, int MaxAttempts,
        TimeSpan Timeout, TimeSpan RetryDelay, BatchId? BatchId, JobQueue.IdempotencyScope IdempotencyScope,
        DateTimeOffset? IdempotencyUntil, bool ReplaceOnConflict)
    {
        public Template(string kind, NewJob job)
            : this(kind, job.Name, job.Queue, job.Priority, job.MaxAttempts, job.Timeout, job.RetryDelay, job.BatchId,
                job.IdempotencyScope, job.IdempotencyUntil, job.ReplaceOnConflict)
        {
        }
    }
}
