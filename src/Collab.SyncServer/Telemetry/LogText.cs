using System.Text;

namespace Collab.SyncServer.Telemetry;

/// <summary>
/// A string a client chose (a document name, a close reason, a token's claim, a provider version) as it may appear in a
/// log: at most <see cref="MaxLength"/> characters (the rest is counted, not written) with control characters, line and
/// paragraph separators, bidirectional overrides and backslashes escaped, so that a hostile value can neither fill the
/// disk nor forge log lines or terminal escapes. Converted implicitly from <see cref="string"/>; the work is done only
/// when a log line is actually written (<see cref="ToString"/>).
/// </summary>
public readonly struct LogText(string? value) : IEquatable<LogText>
{
    /// <summary>Characters written before the rest is cut.</summary>
    public const int MaxLength = 200;

    /// <summary>The string as the client sent it.</summary>
    public string? Value => value;

    public static implicit operator LogText(string? value) => new(value);

    /// <inheritdoc cref="LogText"/>
    public static LogText FromString(string? value) => new(value);

    public override string ToString() => Escape(value);

    /// <summary>The escaped, truncated form of <paramref name="text"/> ("(null)" for null).</summary>
    public static string Escape(string? text)
    {
        if (text is null)
        {
            return "(null)";
        }

        if (text.Length <= MaxLength && !text.AsSpan().ContainsAny(Unsafe))
        {
            return text;
        }

        var shown = Math.Min(text.Length, MaxLength);
        var builder = new StringBuilder(shown + 32);
        foreach (var c in text.AsSpan(0, shown))
        {
            if (c == '\\')
            {
                builder.Append(@"\\");
            }
            else if (Unsafe.Contains(c))
            {
                builder.Append(@"\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        if (text.Length > shown)
        {
            builder.Append("…(+").Append(text.Length - shown).Append(" chars)");
        }

        return builder.ToString();
    }

    // C0 and C1 controls, DEL, the backslash (the escape character itself), line/paragraph separators, bidi controls
    private static readonly System.Buffers.SearchValues<char> Unsafe = System.Buffers.SearchValues.Create(
        string.Concat(Enumerable.Range(0, 0x20).Select(i => (char)i))
        + "\\\u007f"
        + string.Concat(Enumerable.Range(0x80, 0x20).Select(i => (char)i))
        + "\u061c\u200e\u200f\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069");

    public bool Equals(LogText other) => string.Equals(value, other.Value, StringComparison.Ordinal);

    public override bool Equals(object? obj) => obj is LogText other && Equals(other);

    public override int GetHashCode() => value?.GetHashCode(StringComparison.Ordinal) ?? 0;

    public static bool operator ==(LogText left, LogText right) => left.Equals(right);

    public static bool operator !=(LogText left, LogText right) => !left.Equals(right);
}
