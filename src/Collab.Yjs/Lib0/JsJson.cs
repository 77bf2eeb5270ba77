using System.Collections;
using System.Globalization;
using System.Text;

namespace Collab.Yjs.Lib0;

/// <summary>
/// JSON text with JavaScript semantics (<c>JSON.stringify</c> / <c>JSON.parse</c>): JavaScript key order,
/// ECMAScript number formatting, minimal escaping. Values follow <see cref="JsValue"/>.
/// </summary>
public static class JsJson
{
    /// <summary>Serialises like <c>JSON.stringify(value)</c>; returns <c>"undefined"</c> for undefined.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The JSON text.</returns>
    public static string Stringify(object? value)
    {
        var sb = new StringBuilder();
        if (!Write(sb, value, 0))
        {
            return "undefined";
        }

        return sb.ToString();
    }

    private static bool Write(StringBuilder sb, object? value, int depth)
    {
        if (depth > 512)
        {
            throw new InvalidOperationException("Value nesting is too deep.");
        }

        if (JsValue.TryGetNumber(value, out var num))
        {
            sb.Append(double.IsFinite(num) ? FormatNumber(num) : "null");
            return true;
        }

        switch (value)
        {
            case null:
                sb.Append("null");
                return true;
            case JsUndefined:
                return false;
            case bool b:
                sb.Append(b ? "true" : "false");
                return true;
            case string s:
                WriteString(sb, s);
                return true;
            case long or ulong or System.Numerics.BigInteger:
                throw new InvalidOperationException("Do not know how to serialize a BigInt");
            case byte[] bytes:
                sb.Append('{');
                for (var i = 0; i < bytes.Length; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(',');
                    }

                    sb.Append('"').Append(i.ToString(CultureInfo.InvariantCulture)).Append("\":").Append(bytes[i].ToString(CultureInfo.InvariantCulture));
                }

                sb.Append('}');
                return true;
            case JsObject obj:
                {
                    sb.Append('{');
                    var first = true;
                    foreach (var kv in obj)
                    {
                        var mark = sb.Length;
                        if (!first)
                        {
                            sb.Append(',');
                        }

                        WriteString(sb, kv.Key);
                        sb.Append(':');
                        if (!Write(sb, kv.Value, depth + 1))
                        {
                            sb.Length = mark;
                            continue;
                        }

                        first = false;
                    }

                    sb.Append('}');
                    return true;
                }

            case IDictionary<string, object?> dict:
                return Write(sb, AnyCodec.ToJsObject(dict), depth);
            case IList list:
                sb.Append('[');
                for (var i = 0; i < list.Count; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(',');
                    }

                    if (!Write(sb, list[i], depth + 1))
                    {
                        sb.Append("null");
                    }
                }

                sb.Append(']');
                return true;
            default:
                return false;
        }
    }

    /// <summary>Writes a JSON string literal with JavaScript's escaping rules.</summary>
    /// <param name="sb">Target.</param>
    /// <param name="s">The string.</param>
    public static void WriteString(StringBuilder sb, string s)
    {
        sb.Append('"');
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c < 0x20)
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else if (char.IsHighSurrogate(c))
                    {
                        if (i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
                        {
                            sb.Append(c).Append(s[i + 1]);
                            i++;
                        }
                        else
                        {
                            sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                        }
                    }
                    else if (char.IsLowSurrogate(c))
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        sb.Append('"');
    }

    /// <summary>Formats a finite number like ECMAScript <c>Number.prototype.toString()</c>.</summary>
    /// <param name="d">The number.</param>
    /// <returns>The text.</returns>
    public static string FormatNumber(double d)
    {
        if (double.IsNaN(d))
        {
            return "NaN";
        }

        if (double.IsInfinity(d))
        {
            return d > 0 ? "Infinity" : "-Infinity";
        }

        if (d == 0)
        {
            return "0";
        }

        if (Math.Abs(d) < 1e15 && Math.Floor(d) == d)
        {
            return ((long)d).ToString(CultureInfo.InvariantCulture);
        }

        // Shortest round-trip digits and exponent, then the ECMAScript layout.
        var shortest = Math.Abs(d).ToString("R", CultureInfo.InvariantCulture);
        var ePos = shortest.IndexOfAny(['E', 'e']);
        var mantissa = ePos >= 0 ? shortest[..ePos] : shortest;
        var e10 = ePos >= 0 ? int.Parse(shortest[(ePos + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture) : 0;
        var dot = mantissa.IndexOf('.', StringComparison.Ordinal);
        var intPart = dot >= 0 ? mantissa[..dot] : mantissa;
        var fracPart = dot >= 0 ? mantissa[(dot + 1)..] : string.Empty;
        var all = (intPart + fracPart).TrimStart('0');
        var leadingZeros = (intPart + fracPart).Length - all.Length;
        var digits = all.TrimEnd('0');
        var exp = intPart.Length - leadingZeros + e10;
        var k = digits.Length;
        var n = exp;
        var sb = new StringBuilder();
        if (d < 0)
        {
            sb.Append('-');
        }

        if (k <= n && n <= 21)
        {
            sb.Append(digits).Append('0', n - k);
        }
        else if (0 < n && n <= 21)
        {
            sb.Append(digits, 0, n).Append('.').Append(digits, n, k - n);
        }
        else if (-6 < n && n <= 0)
        {
            sb.Append("0.").Append('0', -n).Append(digits);
        }
        else
        {
            sb.Append(digits[0]);
            if (k > 1)
            {
                sb.Append('.').Append(digits, 1, k - 1);
            }

            sb.Append('e').Append(n - 1 >= 0 ? "+" : "-").Append(Math.Abs(n - 1).ToString(CultureInfo.InvariantCulture));
        }

        return sb.ToString();
    }

    /// <summary>Parses JSON text like <c>JSON.parse</c> (numbers become double, objects <see cref="JsObject"/>).</summary>
    /// <param name="text">The JSON text.</param>
    /// <returns>The value.</returns>
    public static object? Parse(string text) => new JsJsonParser(text).ParseDocument();
}
