using System.ComponentModel;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace JobQueue.Binding;

/// <summary>
/// Binds one configuration section onto an options object, key by key, so that every problem names its key's path:
/// a value the binder cannot convert, a key no option has (a typo would otherwise be ignored), and an option that only
/// code can set. Problems are collected, not thrown, so that the host reports them all when it starts.
/// </summary>
internal static class OptionsBinding
{
    /// <summary>The path of <paramref name="key"/> under <paramref name="section"/>, as messages show it ("JobQueue:LeaseDuration").</summary>
    public static string PathOf(IConfiguration section, string key)
        => section is IConfigurationSection { Path.Length: > 0 } named ? $"{named.Path}:{key}" : key;

    /// <summary>Whether <paramref name="section"/> sets <paramref name="key"/> (a value, or children).</summary>
    public static bool Sets(IConfiguration? section, string key) => section is not null && section.GetSection(key).Exists();

    /// <summary>
    /// Sets each option of <paramref name="target"/> that <paramref name="section"/> names; leaves the others as code set them.
    /// </summary>
    /// <param name="target">The options object, holding the values code gave.</param>
    /// <param name="section">The section whose keys are the options' names.</param>
    /// <param name="codeOnly">Options that configuration cannot express (a delegate, a certificate, serializer settings).</param>
    /// <param name="otherKeys">Keys that are not options of <paramref name="target"/> but are read by the caller (child sections, a connection string).</param>
    /// <param name="failures">Receives one sentence per problem.</param>
    public static void Bind(object target, IConfiguration section, IReadOnlyCollection<string> codeOnly,
        IReadOnlyCollection<string> otherKeys, List<string> failures)
    {
        Dictionary<string, PropertyInfo> options = BindableProperties(target.GetType())
            .Where(property => !codeOnly.Contains(property.Name, StringComparer.OrdinalIgnoreCase))
            .ToDictionary(property => property.Name, StringComparer.OrdinalIgnoreCase);
        foreach (IConfigurationSection child in section.GetChildren())
        {
            if (options.TryGetValue(child.Key, out PropertyInfo? property))
            {
                try
                {
                    // A section where a value belongs, or no value for a type that cannot be null: binding would quietly
                    // write the type's default (false, zero), which is never what the key meant.
                    // A key without a value and without children is an explicit null (JSON null): fine for an option that takes null.
                    bool misplacedSection = child.Value is null && IsValue(property.PropertyType) && child.GetChildren().Any();
                    object? value = child.Value is null && (misplacedSection || !child.GetChildren().Any())
                        ? null
                        : child.Get(property.PropertyType, binder => binder.ErrorOnUnknownConfiguration = true);
                    if (value is null && (misplacedSection || (property.PropertyType.IsValueType && Nullable.GetUnderlyingType(property.PropertyType) is null)))
                    {
                        failures.Add($"{child.Path} has no value; give {Describe(property.PropertyType)}, or leave the key out for the default.");
                        continue;
                    }

                    property.SetValue(target, value);
                }
                catch (Exception error) when (error is InvalidOperationException or TargetInvocationException or ArgumentException)
                {
                    failures.Add($"{child.Path} could not be read as {Describe(property.PropertyType)}: {Innermost(error).Message}");
                }
            }
            else if (codeOnly.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
            {
                failures.Add($"{child.Path} cannot be set from configuration; set {target.GetType().Name}.{child.Key} in code.");
            }
            else if (!otherKeys.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
            {
                IEnumerable<string> known = options.Keys.Concat(otherKeys).Order(StringComparer.Ordinal);
                failures.Add($"{child.Path} is not a setting of {target.GetType().Name}; the keys here are: {string.Join(", ", known)}.");
            }
        }
    }

    /// <summary>The public, settable properties of an options type: what configuration may name.</summary>
    public static IEnumerable<PropertyInfo> BindableProperties(Type type) => type
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(property => property.SetMethod is { IsPublic: true } && property.GetCustomAttribute<ObsoleteAttribute>() is null);

    // A type configuration gives as one string (a number, a span, a name), not as a section of keys.
    private static bool IsValue(Type type) => TypeDescriptor.GetConverter(Nullable.GetUnderlyingType(type) ?? type).CanConvertFrom(typeof(string));

    private static string Describe(Type type)
    {
        Type shown = Nullable.GetUnderlyingType(type) ?? type;
        return shown == typeof(TimeSpan) ? "a TimeSpan (such as \"00:00:05\")"
            : shown.IsEnum ? $"a {shown.Name} ({string.Join(", ", Enum.GetNames(shown))})"
            : TypeDescriptor.GetConverter(shown).CanConvertFrom(typeof(string)) ? $"a {shown.Name}"
            : $"a {shown.Name} section";
    }

    private static Exception Innermost(Exception error)
    {
        while (error.InnerException is { } inner)
        {
            error = inner;
        }

        return error;
    }
}
