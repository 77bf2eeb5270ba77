using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;

namespace Collab.Yjs.Lib0;

/// <summary>
/// A lib0 decoder (the C# counterpart of <c>lib0/decoding</c>) reading from a byte array segment.
/// Every read validates bounds: truncated input, overflowing varints and lengths beyond the end
/// throw <see cref="YjsDecodingException"/> without allocating.
/// </summary>
public sealed class Lib0Decoder
{
    private static readonly UTF8Encoding StrictUtf8 = new(false, true);
    private readonly byte[] _buffer;
    private readonly int _end;
    private int _position;

    /// <summary>Creates a decoder over a whole array.</summary>
    /// <param name="buffer">The encoded bytes.</param>
    public Lib0Decoder(byte[] buffer) : this(buffer, 0, buffer.Length)
    {
    }

    /// <summary>Creates a decoder over a segment of an array.</summary>
    /// <param name="buffer">The array.</param>
    /// <param name="offset">Start of the segment.</param>
    /// <param name="length">Length of the segment.</param>
    public Lib0Decoder(byte[] buffer, int offset, int length)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(offset + (long)length, buffer.Length);
        _buffer = buffer;
        _position = offset;
        _end = offset + length;
    }

    /// <summary>Whether unread bytes remain.</summary>
    public bool HasContent => _position < _end;

    /// <summary>Number of unread bytes.</summary>
    public int Remaining => _end - _position;

    /// <summary>Current absolute read position in the underlying array.</summary>
    public int Position => _position;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static YjsDecodingException Truncated() => new("Unexpected end of input.");

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Need(int count)
    {
        if ((uint)count > (uint)(_end - _position))
        {
            throw Truncated();
        }
    }

    /// <summary>Reads one byte.</summary>
    /// <returns>The byte.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public byte ReadUInt8()
    {
        if (_position >= _end)
        {
            throw Truncated();
        }

        return _buffer[_position++];
    }

    /// <summary>Reads an unsigned 16-bit little-endian integer.</summary>
    /// <returns>The value.</returns>
    public ushort ReadUInt16()
    {
        Need(2);
        var v = BinaryPrimitives.ReadUInt16LittleEndian(_buffer.AsSpan(_position));
        _position += 2;
        return v;
    }

    /// <summary>Reads an unsigned 32-bit little-endian integer.</summary>
    /// <returns>The value.</returns>
    public uint ReadUInt32()
    {
        Need(4);
        var v = BinaryPrimitives.ReadUInt32LittleEndian(_buffer.AsSpan(_position));
        _position += 4;
        return v;
    }

    /// <summary>Reads an unsigned 32-bit big-endian integer.</summary>
    /// <returns>The value.</returns>
    public uint ReadUInt32BigEndian()
    {
        Need(4);
        var v = BinaryPrimitives.ReadUInt32BigEndian(_buffer.AsSpan(_position));
        _position += 4;
        return v;
    }

    /// <summary>Reads an unsigned varint; values beyond 2^53−1 throw like lib0.</summary>
    /// <returns>The value.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong ReadVarUInt()
    {
        if (_position < _end)
        {
            var b = _buffer[_position];
            if (b < 0x80)
            {
                _position++;
                return b;
            }
        }

        return ReadVarUIntSlow();
    }

    private ulong ReadVarUIntSlow()
    {
        ulong num = 0;
        var shift = 0;
        while (true)
        {
            if (_position >= _end)
            {
                throw Truncated();
            }

            var r = _buffer[_position++];
            num |= (ulong)(r & 0x7f) << shift;
            shift += 7;
            if (r < 0x80)
            {
                if (num > JsNumber.MaxSafeInteger)
                {
                    throw new YjsDecodingException("Integer out of range.");
                }

                return num;
            }

            if (shift > 53)
            {
                throw new YjsDecodingException("Integer out of range.");
            }
        }
    }

    /// <summary>Reads a varuint that must fit a non-negative <see cref="int"/> (lengths, counts).</summary>
    /// <returns>The value.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int ReadVarUIntAsInt()
    {
        var v = ReadVarUInt();
        if (v > int.MaxValue)
        {
            throw new YjsDecodingException("Length out of range.");
        }

        return (int)v;
    }

    /// <summary>Reads a length that cannot exceed the remaining input (each unit takes at least one byte).</summary>
    /// <returns>The length.</returns>
    public int ReadLength()
    {
        var v = ReadVarUInt();
        if (v > (ulong)Remaining)
        {
            throw new YjsDecodingException("Length exceeds the remaining input.");
        }

        return (int)v;
    }

    /// <summary>Reads a signed varint, reporting the sign bit separately (so that −0 is visible).</summary>
    /// <param name="negative">Whether the sign bit was set.</param>
    /// <returns>The magnitude.</returns>
    public ulong ReadVarIntMagnitude(out bool negative)
    {
        var r = ReadUInt8();
        ulong num = (ulong)(r & 0x3f);
        negative = (r & 0x40) != 0;
        if ((r & 0x80) == 0)
        {
            return num;
        }

        var shift = 6;
        while (true)
        {
            if (_position >= _end)
            {
                throw Truncated();
            }

            r = _buffer[_position++];
            num |= (ulong)(r & 0x7f) << shift;
            shift += 7;
            if (r < 0x80)
            {
                if (num > JsNumber.MaxSafeInteger)
                {
                    throw new YjsDecodingException("Integer out of range.");
                }

                return num;
            }

            if (shift > 53)
            {
                throw new YjsDecodingException("Integer out of range.");
            }
        }
    }

    /// <summary>Reads a signed varint (−0 reads as 0).</summary>
    /// <returns>The value.</returns>
    public long ReadVarInt()
    {
        var m = ReadVarIntMagnitude(out var negative);
        return negative ? -(long)m : (long)m;
    }

    /// <summary>Reads a big-endian float32.</summary>
    /// <returns>The value.</returns>
    public float ReadFloat32()
    {
        Need(4);
        var v = BinaryPrimitives.ReadSingleBigEndian(_buffer.AsSpan(_position));
        _position += 4;
        return v;
    }

    /// <summary>Reads a big-endian float64.</summary>
    /// <returns>The value.</returns>
    public double ReadFloat64()
    {
        Need(8);
        var v = BinaryPrimitives.ReadDoubleBigEndian(_buffer.AsSpan(_position));
        _position += 8;
        return v;
    }

    /// <summary>Reads a big-endian signed 64-bit integer.</summary>
    /// <returns>The value.</returns>
    public long ReadBigInt64()
    {
        Need(8);
        var v = BinaryPrimitives.ReadInt64BigEndian(_buffer.AsSpan(_position));
        _position += 8;
        return v;
    }

    /// <summary>Reads raw bytes as a span over the input (no copy).</summary>
    /// <param name="count">Number of bytes.</param>
    /// <returns>The bytes.</returns>
    public ReadOnlySpan<byte> ReadSpan(int count)
    {
        Need(count);
        var s = _buffer.AsSpan(_position, count);
        _position += count;
        return s;
    }

    /// <summary>Reads a length-prefixed byte array into a new array.</summary>
    /// <returns>The bytes.</returns>
    public byte[] ReadVarUInt8Array() => ReadSpan(ReadLength()).ToArray();

    /// <summary>Reads a length-prefixed byte array and returns a decoder over it (no copy).</summary>
    /// <returns>A decoder over the nested bytes.</returns>
    public Lib0Decoder ReadNestedDecoder()
    {
        var len = ReadLength();
        var d = new Lib0Decoder(_buffer, _position, len);
        _position += len;
        return d;
    }

    /// <summary>Reads all remaining bytes as a decoder.</summary>
    /// <returns>A decoder over the rest.</returns>
    public Lib0Decoder ReadRestDecoder()
    {
        var d = new Lib0Decoder(_buffer, _position, _end - _position);
        _position = _end;
        return d;
    }

    /// <summary>Reads a length-prefixed UTF-8 string with a strict decoder (invalid UTF-8 throws; a BOM is kept).</summary>
    /// <returns>The string.</returns>
    public string ReadVarString()
    {
        var len = ReadLength();
        if (len == 0)
        {
            return string.Empty;
        }

        var span = _buffer.AsSpan(_position, len);
        _position += len;
        if (len < 64)
        {
            var ascii = true;
            foreach (var b in span)
            {
                if (b >= 0x80)
                {
                    ascii = false;
                    break;
                }
            }

            if (ascii)
            {
                return Encoding.ASCII.GetString(span);
            }
        }

        try
        {
            return StrictUtf8.GetString(span);
        }
        catch (DecoderFallbackException e)
        {
            throw new YjsDecodingException("Invalid UTF-8 in string.", e);
        }
    }
}
