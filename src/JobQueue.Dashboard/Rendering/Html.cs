using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;

namespace JobQueue.Dashboard.Rendering;

/// <summary>
/// Markup that is already safe: made only by <see cref="HtmlBuilder"/>, whose literal template text is written as is
/// and whose every interpolated value is HTML-encoded. No other way turns a string into markup.
/// </summary>
internal readonly struct Markup
{
    internal Markup(string value) => Value = value;

    public string Value { get; }

    public override string ToString() => Value;
}

/// <summary>
/// Builds a page from interpolated templates: <c>html.Add($"&lt;td&gt;{job.Name}&lt;/td&gt;")</c> writes the template's
/// literal text raw and HTML-encodes every hole (strings, numbers, names from the store), so a value can never open a
/// tag or leave an attribute. A hole of type <see cref="Markup"/> (another builder's output) is written as is.
/// </summary>
/// <remarks>
/// Why not Razor components: their classes are always public (dotnet/aspnetcore#63041), which would make every page
/// and its model part of this package's public API. This keeps the same guarantee, encoded by default, in internal code.
/// </remarks>
internal sealed class HtmlBuilder
{
    // Keeps non-ASCII letters readable; still encodes < > & " ' and everything an attribute or element could break on.
    internal static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    private readonly StringBuilder _text = new();

    public void Add([InterpolatedStringHandlerArgument("")] HtmlTemplate template)
    {
        _ = template;
    }

    public void Add(Markup markup) => _text.Append(markup.Value);

    public Markup ToMarkup() => new(_text.ToString());

    public override string ToString() => _text.ToString();

    internal StringBuilder Text => _text;

    /// <summary>One template: literals raw, holes encoded.</summary>
    [InterpolatedStringHandler]
    internal readonly struct HtmlTemplate
    {
        private readonly StringBuilder _text;

        public HtmlTemplate(int literalLength, int formattedCount, HtmlBuilder builder)
        {
            _ = literalLength;
            _ = formattedCount;
            _text = builder.Text;
        }

        public void AppendLiteral(string value) => _text.Append(value);

        public void AppendFormatted(Markup value) => _text.Append(value.Value);

        public void AppendFormatted(string? value)
        {
            if (value is not null)
            {
                Encoder.Encode(new StringWriter(_text, CultureInfo.InvariantCulture), value);
            }
        }

        public void AppendFormatted<T>(T value) => AppendFormatted(value, null);

        public void AppendFormatted<T>(T value, string? format)
        {
            string? text = value switch
            {
                null => null,
                IFormattable formattable => formattable.ToString(format, CultureInfo.InvariantCulture),
                _ => value.ToString(),
            };
            AppendFormatted(text);
        }
    }
}
