namespace Collab.Yjs.Lib0;

/// <summary>Decoder for <see cref="RleEncoder"/> columns. An exhausted column repeats its last value.</summary>
internal sealed class RleDecoder(Lib0Decoder decoder)
{
    private int _state = -1;
    private ulong _count;

    public byte Read()
    {
        if (_count == 0)
        {
            if (!decoder.HasContent && _state >= 0)
            {
                return (byte)_state;
            }

            _state = decoder.ReadUInt8();
            _count = decoder.HasContent ? decoder.ReadVarUInt() + 1 : ulong.MaxValue;
        }

        _count--;
        return (byte)_state;
    }
}

/// <summary>Decoder for <see cref="UintOptRleEncoder"/> columns.</summary>
internal sealed class UintOptRleDecoder(Lib0Decoder decoder)
{
    private ulong _state;
    private ulong _count;

    public ulong Read()
    {
        if (_count == 0)
        {
            _state = decoder.ReadVarIntMagnitude(out var negative);
            _count = 1;
            if (negative)
            {
                _count = decoder.ReadVarUInt() + 2;
            }
        }

        _count--;
        return _state;
    }

    public int ReadInt()
    {
        var v = Read();
        if (v > int.MaxValue)
        {
            throw new YjsDecodingException("Length out of range.");
        }

        return (int)v;
    }
}

/// <summary>Decoder for <see cref="IntDiffOptRleEncoder"/> columns.</summary>
internal sealed class IntDiffOptRleDecoder(Lib0Decoder decoder)
{
    private long _state;
    private ulong _count;
    private long _diff;

    public long Read()
    {
        if (_count == 0)
        {
            var m = decoder.ReadVarIntMagnitude(out var negative);
            var v = negative ? -(long)m : (long)m;
            var hasCount = (v & 1) != 0;
            _diff = v >> 1;
            _count = 1;
            if (hasCount)
            {
                _count = decoder.ReadVarUInt() + 2;
            }
        }

        _state += _diff;
        _count--;
        return _state;
    }
}

/// <summary>Decoder for <see cref="StringColumnEncoder"/> columns.</summary>
internal sealed class StringColumnDecoder
{
    private readonly UintOptRleDecoder _lengths;
    private readonly string _text;
    private int _pos;

    public StringColumnDecoder(Lib0Decoder decoder)
    {
        _text = decoder.ReadVarString();
        _lengths = new UintOptRleDecoder(decoder);
    }

    public string Read()
    {
        var len = _lengths.Read();
        if (len > (ulong)(_text.Length - _pos))
        {
            throw new YjsDecodingException("String column exhausted.");
        }

        var s = _text.Substring(_pos, (int)len);
        _pos += (int)len;
        return s;
    }
}
