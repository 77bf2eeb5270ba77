using System.Collections;

namespace Collab.Yjs.Lib0;

/// <summary>The lib0 <c>any</c> encoding (self-describing values; see <see cref="JsValue"/> for types).</summary>
public static class AnyCodec
{
    private const int MaxDepth = 512;

    /// <summary>Writes a JavaScript value in the lib0 <c>any</c> format.</summary>
    /// <param name="encoder">Target encoder.</param>
    /// <param name="value">The value.</param>
    public static void Write(Lib0Encoder encoder, object? value) => Write(encoder, value, 0);

    private static void Write(Lib0Encoder encoder, object? value, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new InvalidOperationException("Value nesting is too deep.");
        }

        if (JsValue.TryGetNumber(value, out var num))
        {
            WriteNumber(encoder, num);
            return;
        }

        switch (value)
        {
            case null:
                encoder.WriteUInt8(126);
                break;
            case JsUndefined:
                encoder.WriteUInt8(127);
                break;
            case bool b:
                encoder.WriteUInt8(b ? (byte)120 : (byte)121);
                break;
            case string s:
                encoder.WriteUInt8(119);
                encoder.WriteVarString(s);
                break;
            case long l:
                encoder.WriteUInt8(122);
                encoder.WriteBigInt64(l);
                break;
            case ulong or System.Numerics.BigInteger:
                encoder.WriteUInt8(122);
                encoder.WriteBigInt64((long)JsValue.Normalize(value)!);
                break;
            case byte[] bytes:
                encoder.WriteUInt8(116);
                encoder.WriteVarUInt8Array(bytes);
                break;
            case JsObject obj:
                encoder.WriteUInt8(118);
                encoder.WriteVarUInt((ulong)obj.Count);
                foreach (var kv in obj)
                {
                    encoder.WriteVarString(kv.Key);
                    Write(encoder, kv.Value, depth + 1);
                }

                break;
            case IDictionary<string, object?> dict:
                Write(encoder, ToJsObject(dict), depth);
                break;
            case IList list:
                encoder.WriteUInt8(117);
                encoder.WriteVarUInt((ulong)list.Count);
                foreach (var item in list)
                {
                    Write(encoder, item, depth + 1);
                }

                break;
            case DateTime or DateTimeOffset:
                encoder.WriteUInt8(118);
                encoder.WriteVarUInt(0);
                break;
            default:
                encoder.WriteUInt8(127);
                break;
        }
    }

    internal static JsObject ToJsObject(IDictionary<string, object?> dict)
    {
        var o = new JsObject();
        foreach (var kv in dict)
        {
            o.Set(kv.Key, kv.Value);
        }

        return o;
    }

    /// <summary>Writes a number with lib0's classification (varint, float32 or float64).</summary>
    /// <param name="encoder">Target encoder.</param>
    /// <param name="num">The number.</param>
    public static void WriteNumber(Lib0Encoder encoder, double num)
    {
        if (JsNumber.IsInt31(num))
        {
            encoder.WriteUInt8(125);
            encoder.WriteVarInt((ulong)Math.Abs(num), num < 0 || (num == 0 && double.IsNegative(num)));
        }
        else if (JsNumber.IsFloat32Exact(num))
        {
            encoder.WriteUInt8(124);
            encoder.WriteFloat32((float)num);
        }
        else
        {
            encoder.WriteUInt8(123);
            encoder.WriteFloat64(num);
        }
    }

    /// <summary>Reads a value in the lib0 <c>any</c> format.</summary>
    /// <param name="decoder">Source decoder.</param>
    /// <returns>The value.</returns>
    public static object? Read(Lib0Decoder decoder) => Read(decoder, 0);

    private static object? Read(Lib0Decoder decoder, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new YjsDecodingException("Value nesting is too deep.");
        }

        var tag = decoder.ReadUInt8();
        switch (tag)
        {
            case 127: return JsUndefined.Value;
            case 126: return null;
            case 125:
                {
                    var m = decoder.ReadVarIntMagnitude(out var neg);
                    return neg ? -(double)m : (double)m;
                }

            case 124: return (double)decoder.ReadFloat32();
            case 123: return decoder.ReadFloat64();
            case 122: return decoder.ReadBigInt64();
            case 121: return false;
            case 120: return true;
            case 119: return decoder.ReadVarString();
            case 118:
                {
                    var count = decoder.ReadLength();
                    var obj = new JsObject();
                    for (var i = 0; i < count; i++)
                    {
                        var key = decoder.ReadVarString();
                        obj.Set(key, Read(decoder, depth + 1));
                    }

                    return obj;
                }

            case 117:
                {
                    var count = decoder.ReadLength();
                    var list = new List<object?>(count);
                    for (var i = 0; i < count; i++)
                    {
                        list.Add(Read(decoder, depth + 1));
                    }

                    return list;
                }

            case 116: return decoder.ReadVarUInt8Array();
            default: throw new YjsDecodingException($"Unknown any tag {tag}.");
        }
    }
}
