using System.Numerics;

namespace Collab.Yjs.Lib0;

/// <summary>
/// How JavaScript values are represented in C# throughout Collab.Yjs (content of Y.Array / Y.Map,
/// text attributes, embeds, the lib0 <c>any</c> encoding and JSON text):
/// <list type="bullet">
/// <item><description>number → <see cref="double"/> (JavaScript has a single number type). When writing,
/// <see cref="int"/>, <see cref="uint"/>, <see cref="short"/>, <see cref="byte"/>, <see cref="float"/> and
/// <see cref="decimal"/> are accepted and treated as the equivalent double. Encoding classifies by value
/// like lib0: integral and |v| ≤ 2^31−1 → varint, float32-exact → float32, otherwise float64.</description></item>
/// <item><description>bigint → <see cref="long"/> (a <see cref="BigInteger"/> is accepted when writing and
/// wrapped modulo 2^64 like JavaScript).</description></item>
/// <item><description>null → <c>null</c>; undefined → <see cref="JsUndefined.Value"/>.</description></item>
/// <item><description>boolean → <see cref="bool"/>; string → <see cref="string"/> (UTF-16, as in JavaScript).</description></item>
/// <item><description>Uint8Array → <c>byte[]</c>.</description></item>
/// <item><description>array → <see cref="List{T}"/> of <c>object?</c> (any <see cref="System.Collections.IList"/> is accepted when writing).</description></item>
/// <item><description>plain object → <see cref="JsObject"/> (JavaScript property order).</description></item>
/// </list>
/// Shared types (<c>YText</c>, <c>YMap</c>, …) and sub-documents (<c>Doc</c>) may appear as values of
/// arrays and maps, but never inside an <c>any</c>-encoded value.
/// </summary>
public static class JsValue
{
    /// <summary>Normalises a C# value to the canonical representation described on this type.</summary>
    /// <param name="value">A value given by a caller.</param>
    /// <returns>The canonical value (numbers become double, bigints long).</returns>
    public static object? Normalize(object? value) => value switch
    {
        null => null,
        double d => d,
        int i => (double)i,
        uint u => (double)u,
        short s => (double)s,
        ushort us => (double)us,
        byte b => (double)b,
        sbyte sb => (double)sb,
        float f => (double)f,
        decimal m => (double)m,
        long l => l,
        ulong ul => unchecked((long)ul),
        BigInteger bi => unchecked((long)(ulong)(bi & ulong.MaxValue)),
        _ => value,
    };

    /// <summary>Whether a value (after normalisation) is a JavaScript number.</summary>
    /// <param name="value">The value.</param>
    /// <param name="number">The number.</param>
    /// <returns>True for numbers.</returns>
    public static bool TryGetNumber(object? value, out double number)
    {
        switch (value)
        {
            case double d: number = d; return true;
            case int i: number = i; return true;
            case uint u: number = u; return true;
            case short s: number = s; return true;
            case ushort us: number = us; return true;
            case byte b: number = b; return true;
            case sbyte sb: number = sb; return true;
            case float f: number = f; return true;
            case decimal m: number = (double)m; return true;
            default: number = 0; return false;
        }
    }

    /// <summary>
    /// Structural equality of two JavaScript values in the sense yjs uses for attribute comparison
    /// (<c>lib0/function.equalityDeep</c>): numbers by value, objects/arrays/byte arrays element-wise.
    /// </summary>
    /// <param name="a">First value.</param>
    /// <param name="b">Second value.</param>
    /// <returns>Whether they are deeply equal.</returns>
    public static bool DeepEquals(object? a, object? b)
    {
        if (ReferenceEquals(a, b))
        {
            return true;
        }

        if (a is null || b is null)
        {
            return false;
        }

        if (TryGetNumber(a, out var da) && TryGetNumber(b, out var db))
        {
            return da == db || (double.IsNaN(da) && double.IsNaN(db));
        }

        switch (a)
        {
            case string sa: return b is string sb && string.Equals(sa, sb, StringComparison.Ordinal);
            case bool ba: return b is bool bb && ba == bb;
            case long la: return b is long lb && la == lb;
            case byte[] xa: return b is byte[] xb && xa.AsSpan().SequenceEqual(xb);
            case JsObject oa:
                if (b is not JsObject ob || oa.Count != ob.Count)
                {
                    return false;
                }

                foreach (var kv in oa)
                {
                    if (!ob.TryGetValue(kv.Key, out var other) || !DeepEquals(kv.Value, other))
                    {
                        return false;
                    }
                }

                return true;
            case System.Collections.IList la2:
                if (b is not System.Collections.IList lb2 || la2.Count != lb2.Count)
                {
                    return false;
                }

                for (var i = 0; i < la2.Count; i++)
                {
                    if (!DeepEquals(la2[i], lb2[i]))
                    {
                        return false;
                    }
                }

                return true;
            default:
                return a.Equals(b);
        }
    }
}
