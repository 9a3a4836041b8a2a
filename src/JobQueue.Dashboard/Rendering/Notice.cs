using Microsoft.AspNetCore.Http;

namespace JobQueue.Dashboard.Rendering;

/// <summary>
/// The line an action leaves for the page it redirects to. Only known codes and a count travel in the query string, so
/// a crafted link cannot put words of its choosing on the dashboard.
/// </summary>
internal static class Notice
{
    private static readonly Dictionary<string, string> s_messages = new(StringComparer.Ordinal)
    {
        ["retried"] = "Retried {0} job(s).",
        ["cancelled"] = "Cancelled {0} job(s).",
        ["deleted"] = "Deleted {0} job(s).",
        ["refused"] = "{0} job(s) were refused: they are not in a state the action applies to.",
        ["missing"] = "The job no longer exists.",
        ["paused"] = "Queue paused.",
        ["resumed"] = "Queue resumed.",
        ["triggered"] = "Recurring job triggered.",
        ["recurring-paused"] = "Recurring job paused.",
        ["recurring-resumed"] = "Recurring job resumed.",
        ["recurring-deleted"] = "Recurring job deleted.",
    };

    public static string? From(IQueryCollection query)
    {
        if (query["done"].ToString() is not { Length: > 0 } code || !s_messages.TryGetValue(code, out string? message))
        {
            return null;
        }

        long count = long.TryParse(query["count"], out long n) && n >= 0 ? n : 1;
        return string.Format(System.Globalization.CultureInfo.InvariantCulture, message, count);
    }

    public static string Query(string code, long? count = null)
        => count is { } n ? $"?done={code}&count={n.ToString(System.Globalization.CultureInfo.InvariantCulture)}" : $"?done={code}";
}
