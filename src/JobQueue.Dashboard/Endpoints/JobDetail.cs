using System.Text.Encodings.Web;
using System.Text.Json;
using JobQueue.Dashboard.Rendering;

namespace JobQueue.Dashboard.Endpoints;

/// <summary>One job: arguments and result as formatted JSON, progress, every attempt's error, times, batch, log lines.</summary>
internal static class JobDetail
{
    private static readonly JsonSerializerOptions s_indented = new()
    {
        WriteIndented = true,
        // Shown as text inside <pre>, and encoded there: no need for JSON's own \u escapes of < > & and non-ASCII.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static Markup NotFound(JobId id)
    {
        var html = new HtmlBuilder();
        html.Add($"<p>No job <span class=\"mono\">{id}</span> exists: it never did, or it finished and was deleted or pruned.</p>");
        return html.ToMarkup();
    }

    public static Markup Render(DashboardRequest request, JobInfo job, BatchInfo? batch, Markup logLines)
    {
        string root = request.Root;
        var html = new HtmlBuilder();
        if (!job.IsFinished)
        {
            // dashboard.js follows the job live from here: its stream, and the JSON it polls if the stream breaks.
            html.Add($"<span hidden data-job-live=\"{root}api/jobs/{job.Id}/stream\" data-job-poll=\"{root}api/jobs/{job.Id}\" data-interval=\"{LiveInterval.Seconds(request)}\"></span>");
        }

        html.Add($"<p><span class=\"state state-{job.State.ToString().ToLowerInvariant()}\" data-job-field=\"state\">{job.State}</span> <span class=\"mono\">{job.Id}</span></p>");
        html.Add($"<div class=\"actions\">");
        string path = root + "jobs/" + job.Id + "/";
        if (job.State is JobState.Failed or JobState.Cancelled)
        {
            html.Add(Layout.ActionButton(request, path + "retry", "Retry", []));
        }

        if (!job.IsFinished)
        {
            html.Add(Layout.ActionButton(request, path + "cancel", "Cancel", [], danger: true));
        }
        else
        {
            html.Add(Layout.ActionButton(request, path + "delete", "Delete", [], danger: true));
        }

        html.Add($"</div><dl class=\"facts\">");
        html.Add($"<dt>Name</dt><dd>{job.Name}</dd><dt>Queue</dt><dd><a href=\"{root}jobs?queue={Uri.EscapeDataString(job.Queue)}\">{job.Queue}</a></dd>");
        html.Add($"<dt>Priority</dt><dd>{job.Priority}</dd><dt>Attempt</dt><dd data-job-field=\"attempt\">{job.Attempt} of {job.MaxAttempts}</dd>");
        html.Add($"<dt>Enqueued</dt><dd>{Format.Time(job.EnqueuedAt)}</dd><dt>Run at</dt><dd>{Format.Time(job.RunAt)}</dd>");
        html.Add($"<dt>Started</dt><dd>{Format.Time(job.StartedAt)}</dd><dt>Finished</dt><dd>{Format.Time(job.FinishedAt)}</dd>");
        if (job.StartedAt is { } started)
        {
            // Wait: from due to the last attempt's start; run: that attempt's start to its end (or now, while it runs).
            DateTimeOffset due = job.RunAt > job.EnqueuedAt ? job.RunAt : job.EnqueuedAt;
            DateTimeOffset end = job.FinishedAt ?? request.Time.GetUtcNow();
            html.Add($"<dt>Waited</dt><dd>{Format.Duration(started - due)}</dd><dt>Ran</dt><dd>{Format.Duration(end - started)}{(job.FinishedAt is null ? " so far" : "")}</dd>");
        }

        if (job.LimitKey is { } limitKey)
        {
            html.Add($"<dt>Limit key</dt><dd class=\"mono\">{limitKey}</dd>");
        }

        if (job.Waiting is { } waiting)
        {
            html.Add($"<dt>Waiting</dt><dd data-job-field=\"waiting\">{WaitText(waiting)}</dd>");
        }

        if (job.BatchId is { } batchId)
        {
            html.Add($"<dt>Batch</dt><dd><a href=\"{root}batches/{batchId}\">{batchId}</a>{(batch is null ? "" : $" ({batch.State}, {batch.Succeeded + batch.Failed} of {batch.Total} done)")}</dd>");
        }

        html.Add($"</dl>");
        html.Add($"<h2>Progress</h2><div data-job-field=\"progress\">");
        if (job.Progress is { } progress)
        {
            double percent = Math.Clamp(progress.Percent, 0, 100);
            // A finished job keeps the progress it last reported, which need not be 100 %: say so rather than let a
            // succeeded job look a tenth done.
            string when = job.State is JobState.Succeeded or JobState.Failed or JobState.Cancelled ? "last reported: " : "";
            html.Add($"<p><progress max=\"100\" value=\"{percent:0.#}\">{percent:0.#} %</progress> {when}{percent:0.#} % {progress.Message}</p>");
        }
        else
        {
            html.Add($"<p class=\"muted\">No progress reported.</p>");
        }

        html.Add($"</div>");

        html.Add($"<h2>Arguments</h2><pre class=\"json\">{Json(job.Arguments)}</pre>");
        if (job.Result is { } result)
        {
            html.Add($"<h2>Result</h2><pre class=\"json\">{Json(result)}</pre>");
        }

        html.Add($"<h2>Attempts</h2>");
        if (job.Errors.Count == 0)
        {
            html.Add($"<p class=\"muted\">No attempt failed.</p>");
        }

        foreach (JobError error in job.Errors.OrderByDescending(e => e.Attempt))
        {
            html.Add($"<details class=\"error\"><summary>Attempt {error.Attempt} at {Format.Time(error.At)}: <strong>{error.Type}</strong>: {error.Message}</summary>");
            html.Add($"<pre>{error.StackTrace ?? "(no stack trace)"}</pre></details>");
        }

        html.Add($"<h2>Log lines</h2>");
        html.Add(logLines);
        return html.ToMarkup();
    }

    /// <summary>Why a ready job has not started, in words.</summary>
    public static string WaitText(JobWait waiting) => waiting.Reason switch
    {
        JobWaitReason.QueuePaused => "its queue is paused",
        JobWaitReason.QueueAtLimit => "its queue runs as many jobs as its global concurrency allows",
        JobWaitReason.KeyAtLimit => "as many jobs with its limit key run as the per-key limit allows",
        JobWaitReason.RateLimited => $"a rate limit has no room until {Format.Time(waiting.Until)}",
        JobWaitReason.HeldBack => $"an outside rate limit holds its key or type back until {Format.Time(waiting.Until)}",
        _ => waiting.Reason.ToString(),
    };

    private static string Json(JsonElement element)
        => element.ValueKind == JsonValueKind.Undefined ? "" : JsonSerializer.Serialize(element, s_indented);
}
