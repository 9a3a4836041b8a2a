using System.Globalization;

namespace JobQueue.Administration;

/// <summary>What the durable stores make of a <see cref="Storage.JobQuery"/>'s text and page position, the same in each.</summary>
internal static class JobQueryText
{
    /// <summary>
    /// Folds A to Z only, as SQLite's lower() (without ICU), PostgreSQL's translate() in the store's SQL and Lua's
    /// string.lower do: the text filter matches those letters in either case, and every store the same ones.
    /// </summary>
    public static string AsciiLower(string text) => string.Create(text.Length, text, static (span, source) =>
    {
        for (int i = 0; i < source.Length; i++)
        {
            char c = source[i];
            span[i] = c is >= 'A' and <= 'Z' ? (char)(c + ('a' - 'A')) : c;
        }
    });

    /// <summary>The enqueue sequence a page's Next names; null for the first page.</summary>
    /// <exception cref="ArgumentException"><paramref name="after"/> is not a position a store made.</exception>
    public static long? ParsePosition(string? after)
    {
        if (after is null)
        {
            return null;
        }

        if (!long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out long seq))
        {
            throw new ArgumentException($"JobQuery.After is '{after}', which is not a position this store made (a page's Next).", "query");
        }

        return seq;
    }
}
