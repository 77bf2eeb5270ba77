using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;

namespace Collab.Yjs.Lib0;

/// <summary>
/// A growable lib0 encoder (the C# counterpart of <c>lib0/encoding</c>). Writes varints, fixed-width
/// big-endian numbers, strings and byte arrays into one contiguous buffer. Reuse an instance with
/// <see cref="Reset"/> to avoid allocations.
/// </summary>
public sealed class Lib0Encoder
{
    private static readonly UTF8Encoding Utf8 = new(false, false);
    private byte[] _buffer;
    private int _position;

    /// <summary>Creates an encoder.</summary>
    /// <param name="initialCapacity">Initial buffer size in bytes.</param>
    public Lib0Encoder(int initialCapacity = 64)
    {
        _buffer = new byte[Math.Max(initialCapacity, 8)];
    }

    /// <summary>Number of bytes written so far.</summary>
    public int Length => _position;

    /// <summary>The bytes written so far (valid until the next write).</summary>
    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _position);

    /// <summary>Discards everything written, keeping the buffer.</summary>
    public void Reset() => _position = 0;

    /// <summary>Copies the written bytes into a new array.</summary>
    /// <returns>The encoded bytes.</returns>
    public byte[] ToArray() => _buffer.AsSpan(0, _position).ToArray();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Ensure(int extra)
    {
        if (_position + extra > _buffer.Length)
        {
            Grow(extra);
        }
    }

    private void Grow(int extra)
    {
        var size = Math.Max(_buffer.Length * 2, _position + extra);
        Array.Resize(ref _buffer, size);
    }

    /// <summary>Writes one byte.</summary>
    /// <param name="value">The byte.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteUInt8(byte value)
    {
        if (_position == _buffer.Length)
        {
            Grow(1);
        }

        _buffer[_position++] = value;
    }

    /// <summary>Writes an unsigned 16-bit integer, little-endian (as lib0 <c>writeUint16</c>).</summary>
    /// <param name="value">The value.</param>
    public void WriteUInt16(ushort value)
    {
        Ensure(2);
        BinaryPrimitives.WriteUInt16LittleEndian(_buffer.AsSpan(_position), value);
        _position += 2;
    }

    /// <summary>Writes an unsigned 32-bit integer, little-endian (as lib0 <c>writeUint32</c>).</summary>
    /// <param name="value">The value.</param>
    public void WriteUInt32(uint value)
    {
        Ensure(4);
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer.AsSpan(_position), value);
        _position += 4;
    }

    /// <summary>Writes an unsigned 32-bit integer, big-endian (as lib0 <c>writeUint32BigEndian</c>).</summary>
    /// <param name="value">The value.</param>
    public void WriteUInt32BigEndian(uint value)
    {
        Ensure(4);
        BinaryPrimitives.WriteUInt32BigEndian(_buffer.AsSpan(_position), value);
        _position += 4;
    }

    /// <summary>Writes an unsigned variable-length integer (7 bits per byte, low group first).</summary>
    /// <param name="value">The value.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteVarUInt(ulong value)
    {
        if (value < 0x80 && _position < _buffer.Length)
        {
            _buffer[_position++] = (byte)value;
            return;
        }

        WriteVarUIntSlow(value);
    }

    private void WriteVarUIntSlow(ulong value)
    {
        Ensure(10);
        var buf = _buffer;
        var p = _position;
        while (value > 0x7f)
        {
            buf[p++] = (byte)(0x80 | (value & 0x7f));
            value >>= 7;
        }

        buf[p++] = (byte)value;
        _position = p;
    }

    /// <summary>Writes a signed variable-length integer in lib0 format (sign bit in the first byte).</summary>
    /// <param name="value">The value.</param>
    public void WriteVarInt(long value) => WriteVarInt(value < 0 ? (ulong)(-value) : (ulong)value, value < 0);

    /// <summary>Writes a signed varint given as magnitude and sign; allows negative zero.</summary>
    /// <param name="magnitude">Absolute value.</param>
    /// <param name="negative">Whether the sign bit is set.</param>
    public void WriteVarInt(ulong magnitude, bool negative)
    {
        Ensure(11);
        var buf = _buffer;
        var p = _position;
        buf[p++] = (byte)((magnitude > 0x3f ? 0x80 : 0) | (negative ? 0x40 : 0) | (byte)(magnitude & 0x3f));
        magnitude >>= 6;
        while (magnitude > 0)
        {
            buf[p++] = (byte)((magnitude > 0x7f ? 0x80 : 0) | (byte)(magnitude & 0x7f));
            magnitude >>= 7;
        }

        _position = p;
    }

    /// <summary>Writes a float32, big-endian.</summary>
    /// <param name="value">The value.</param>
    public void WriteFloat32(float value)
    {
        Ensure(4);
        if (float.IsNaN(value))
        {
            BinaryPrimitives.WriteUInt32BigEndian(_buffer.AsSpan(_position), 0x7fc00000u);
        }
        else
        {
            BinaryPrimitives.WriteSingleBigEndian(_buffer.AsSpan(_position), value);
        }

        _position += 4;
    }

    /// <summary>Writes a float64, big-endian.</summary>
    /// <param name="value">The value.</param>
    public void WriteFloat64(double value)
    {
        Ensure(8);
        if (double.IsNaN(value))
        {
            BinaryPrimitives.WriteUInt64BigEndian(_buffer.AsSpan(_position), 0x7ff8000000000000UL);
        }
        else
        {
            BinaryPrimitives.WriteDoubleBigEndian(_buffer.AsSpan(_position), value);
        }

        _position += 8;
    }

    /// <summary>Writes a signed 64-bit integer, big-endian two's complement.</summary>
    /// <param name="value">The value.</param>
    public void WriteBigInt64(long value)
    {
        Ensure(8);
        BinaryPrimitives.WriteInt64BigEndian(_buffer.AsSpan(_position), value);
        _position += 8;
    }

    /// <summary>Writes raw bytes without a length prefix.</summary>
    /// <param name="bytes">The bytes.</param>
    public void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_position));
        _position += bytes.Length;
    }

    /// <summary>Writes a length-prefixed byte array (lib0 <c>writeVarUint8Array</c>).</summary>
    /// <param name="bytes">The bytes.</param>
    public void WriteVarUInt8Array(ReadOnlySpan<byte> bytes)
    {
        WriteVarUInt((ulong)bytes.Length);
        WriteBytes(bytes);
    }

    /// <summary>
    /// Writes a length-prefixed UTF-8 string. Lone surrogates become U+FFFD (<c>ef bf bd</c>) like the
    /// JavaScript <c>TextEncoder</c>.
    /// </summary>
    /// <param name="value">The string.</param>
    public void WriteVarString(string value) => WriteVarString(value.AsSpan());

    /// <summary>Writes a length-prefixed UTF-8 string from UTF-16 code units.</summary>
    /// <param name="value">The code units.</param>
    public void WriteVarString(ReadOnlySpan<char> value)
    {
        if (value.Length < 0x80)
        {
            var ascii = true;
            foreach (var c in value)
            {
                if (c >= 0x80)
                {
                    ascii = false;
                    break;
                }
            }

            if (ascii)
            {
                Ensure(value.Length + 1);
                _buffer[_position++] = (byte)value.Length;
                for (var i = 0; i < value.Length; i++)
                {
                    _buffer[_position + i] = (byte)value[i];
                }

                _position += value.Length;
                return;
            }
        }

        var byteCount = Utf8.GetByteCount(value);
        WriteVarUInt((ulong)byteCount);
        Ensure(byteCount);
        Utf8.GetBytes(value, _buffer.AsSpan(_position));
        _position += byteCount;
    }
}
