using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace JobQueue.Dashboard.Endpoints;

/// <summary>
/// The job list's filter as it travels in a query string or a form (state, queue, name, text, batch, page size, continuation),
/// read with the dashboard's caps applied, and written back into links.
/// </summary>
internal sealed record JobQuery(JobState? State, string? Queue, string? Name, string? Text, int PageSize, string? After, BatchId? Batch = null)
{
    public static bool TryRead(Func<string, string?> field, DashboardOptions options, out JobQuery query, out string? error)
    {
        error = null;
        JobState? state = null;
        if (field("state") is { Length: > 0 } stateText)
        {
            if (!Enum.TryParse(stateText, ignoreCase: true, out JobState parsed) || !Enum.IsDefined(parsed) || int.TryParse(stateText, out _))
            {
                error = $"'{stateText}' is not a job state: use one of {string.Join(", ", Enum.GetNames<JobState>())}.";
            }

            state = parsed;
        }

        int size = options.PageSize;
        if (field("size") is { Length: > 0 } sizeText && int.TryParse(sizeText, NumberStyles.None, CultureInfo.InvariantCulture, out int asked))
        {
            size = Math.Clamp(asked, 1, options.MaxPageSize);
        }

        string? text = Blank(field("text"));
        if (text is { Length: > JobFilter.MaxTextLength })
        {
            error = $"The search text is {text.Length} characters long; at most {JobFilter.MaxTextLength} are searched.";
        }

        BatchId? batch = null;
        if (field("batch") is { Length: > 0 } batchText)
        {
            if (BatchId.TryParse(batchText, out BatchId parsedBatch))
            {
                batch = parsedBatch;
            }
            else
            {
                error = $"'{batchText}' is not a batch id.";
            }
        }

        query = new JobQuery(state, Blank(field("queue")), Blank(field("name")), text, size, Blank(field("after")), batch);
        return error is null;
    }

    public static bool TryRead(IQueryCollection values, DashboardOptions options, out JobQuery query, out string? error)
        => TryRead(key => values[key].ToString(), options, out query, out error);

    public static bool TryRead(IFormCollection values, DashboardOptions options, out JobQuery query, out string? error)
        => TryRead(key => values[key].ToString(), options, out query, out error);

    public JobFilter ToFilter(JobState? state) => new()
    {
        State = state,
        Queue = Queue,
        Name = Name,
        Text = Text,
        BatchId = Batch,
        PageSize = PageSize,
        Continuation = After,
    };

    /// <summary>The query string of this filter (without the continuation unless asked), URL-encoded.</summary>
    public string ToQueryString(string? after = null)
    {
        var parts = new List<string>();
        Add("state", State?.ToString());
        Add("queue", Queue);
        Add("name", Name);
        Add("text", Text);
        Add("batch", Batch?.ToString());
        Add("after", after);
        return parts.Count == 0 ? "" : "?" + string.Join('&', parts);

        void Add(string key, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                parts.Add(key + "=" + Uri.EscapeDataString(value));
            }
        }
    }

    /// <summary>The hidden form fields that carry this filter in a bulk action.</summary>
    public IEnumerable<KeyValuePair<string, string>> ToFields()
    {
        if (State is { } state)
        {
            yield return new("state", state.ToString());
        }

        if (Queue is not null)
        {
            yield return new("queue", Queue);
        }

        if (Name is not null)
        {
            yield return new("name", Name);
        }

        if (Text is not null)
        {
            yield return new("text", Text);
        }

        if (Batch is { } batch)
        {
            yield return new("batch", batch.ToString());
        }
    }

    private static string? Blank(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
