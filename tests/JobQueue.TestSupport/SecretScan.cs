using System.Collections;
using System.Reflection;

namespace JobQueue.TestSupport;

/// <summary>Finds where a secret (a distinctive password) shows up in what a user or an operator gets to read.</summary>
public static class SecretScan
{
    /// <summary>
    /// Every place <paramref name="secret"/> appears: in <paramref name="error"/>, its message, text, string
    /// properties and data, and the same of every inner exception, recursively; and in each log entry's message,
    /// scope and exception. Empty when the secret is nowhere.
    /// </summary>
    public static IReadOnlyList<string> Find(string secret, Exception? error = null, IEnumerable<LogEntry>? logs = null)
    {
        var found = new List<string>();
        if (error is not null)
        {
            Scan(secret, error, "exception", found, new HashSet<Exception>(ReferenceEqualityComparer.Instance));
        }

        foreach (LogEntry entry in logs ?? [])
        {
            string where = $"log {entry.EventId.Id} ({entry.Category})";
            Check(secret, entry.Message, $"{where} message", found);
            Check(secret, entry.Scope, $"{where} scope", found);
            if (entry.Exception is not null)
            {
                Scan(secret, entry.Exception, $"{where} exception", found, new HashSet<Exception>(ReferenceEqualityComparer.Instance));
            }
        }

        return found;
    }

    private static void Scan(string secret, Exception error, string where, List<string> found, HashSet<Exception> seen)
    {
        if (!seen.Add(error))
        {
            return;
        }

        string name = $"{where} {error.GetType().Name}";
        Check(secret, error.Message, $"{name}.Message", found);
        Check(secret, error.ToString(), $"{name}.ToString()", found);
        foreach (PropertyInfo property in error.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.PropertyType == typeof(string) && property.GetIndexParameters().Length == 0)
            {
                string? value;
                try
                {
                    value = (string?)property.GetValue(error);
                }
                catch (TargetInvocationException)
                {
                    continue;
                }

                Check(secret, value, $"{name}.{property.Name}", found);
            }
        }

        foreach (DictionaryEntry item in error.Data)
        {
            Check(secret, item.Value?.ToString(), $"{name}.Data[{item.Key}]", found);
        }

        if (error is AggregateException aggregate)
        {
            foreach (Exception inner in aggregate.InnerExceptions)
            {
                Scan(secret, inner, $"{name} inner", found, seen);
            }
        }
        else if (error.InnerException is not null)
        {
            Scan(secret, error.InnerException, $"{name} inner", found, seen);
        }
    }

    private static void Check(string secret, string? text, string where, List<string> found)
    {
        if (text is not null && text.Contains(secret, StringComparison.OrdinalIgnoreCase))
        {
            found.Add($"{where}: {text}");
        }
    }
}
