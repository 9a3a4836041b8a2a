using System.Text;

namespace JobQueue.InMemory;

/// <summary>
/// The text filter of a job query: whether a job's arguments (their UTF-8 JSON) or its last error's type or message
/// contain the text, with letters A to Z matching either case and every other character only itself, as every store
/// matches it (SQLite's LIKE folds only ASCII letters; the other stores fold them explicitly).
/// </summary>
internal sealed class AsciiTextMatcher
{
    private readonly byte[] _utf8;
    private readonly string _text;

    public AsciiTextMatcher(string text)
    {
        _text = text;
        _utf8 = Encoding.UTF8.GetBytes(text);
    }

    public bool Matches(InMemoryJob job)
    {
        if (Contains(job.Definition.Arguments, _utf8))
        {
            return true;
        }

        JobError[] errors = job.Errors;
        return errors.Length > 0 && (Contains(errors[^1].Type, _text) || Contains(errors[^1].Message, _text));
    }

    private static bool Contains(ReadOnlySpan<byte> haystack, ReadOnlySpan<byte> needle)
    {
        for (int start = 0; start <= haystack.Length - needle.Length; start++)
        {
            int i = 0;
            while (i < needle.Length && Fold(haystack[start + i]) == Fold(needle[i]))
            {
                i++;
            }

            if (i == needle.Length)
            {
                return true;
            }
        }

        return false;
    }

    private static bool Contains(string haystack, string needle)
    {
        for (int start = 0; start <= haystack.Length - needle.Length; start++)
        {
            int i = 0;
            while (i < needle.Length && Fold(haystack[start + i]) == Fold(needle[i]))
            {
                i++;
            }

            if (i == needle.Length)
            {
                return true;
            }
        }

        return false;
    }

    private static int Fold(int c) => c is >= 'A' and <= 'Z' ? c + ('a' - 'A') : c;
}
