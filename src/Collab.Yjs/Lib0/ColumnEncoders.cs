namespace Collab.Yjs.Lib0;

/// <summary>Run-length encoder of bytes (lib0 <c>RleEncoder</c> with <c>writeUint8</c>): value, then count−1 for every run but the last.</summary>
internal sealed class RleEncoder
{
    private readonly Lib0Encoder _encoder = new(32);
    private int _state = -1;
    private uint _count;

    public void Write(byte value)
    {
        if (_state == value)
        {
            _count++;
            return;
        }

        if (_count > 0)
        {
            _encoder.WriteVarUInt(_count - 1);
        }

        _count = 1;
        _encoder.WriteUInt8(value);
        _state = value;
    }

    public void Reset()
    {
        _encoder.Reset();
        _state = -1;
        _count = 0;
    }

    public ReadOnlySpan<byte> Span => _encoder.WrittenSpan;
}

/// <summary>lib0 <c>UintOptRleEncoder</c>: single values as varInt(+v), runs as varInt(−v) then varUint(count−2).</summary>
internal sealed class UintOptRleEncoder
{
    private readonly Lib0Encoder _encoder = new(32);
    private ulong _state;
    private uint _count;

    public void Write(ulong value)
    {
        if (_count > 0 && _state == value)
        {
            _count++;
            return;
        }

        Flush();
        _count = 1;
        _state = value;
    }

    private void Flush()
    {
        if (_count == 0)
        {
            return;
        }

        if (_count == 1)
        {
            _encoder.WriteVarInt(_state, false);
        }
        else
        {
            _encoder.WriteVarInt(_state, true);
            _encoder.WriteVarUInt(_count - 2);
        }
    }

    public void Reset()
    {
        _encoder.Reset();
        _count = 0;
    }

    /// <summary>Flushes the pending run and returns the encoded column.</summary>
    public ReadOnlySpan<byte> Finish()
    {
        Flush();
        _count = 0;
        return _encoder.WrittenSpan;
    }
}

/// <summary>lib0 <c>IntDiffOptRleEncoder</c>: runs of equal differences, varInt(diff*2 + hasCount), then varUint(count−2).</summary>
internal sealed class IntDiffOptRleEncoder
{
    private readonly Lib0Encoder _encoder = new(32);
    private long _state;
    private long _diff;
    private uint _count;

    public void Write(long value)
    {
        var diff = value - _state;
        if (_count > 0 && _diff == diff)
        {
            _state = value;
            _count++;
            return;
        }

        Flush();
        _count = 1;
        _diff = diff;
        _state = value;
    }

    private void Flush()
    {
        if (_count == 0)
        {
            return;
        }

        var encodedDiff = (_diff * 2) + (_count == 1 ? 0 : 1);
        _encoder.WriteVarInt(encodedDiff);
        if (_count > 1)
        {
            _encoder.WriteVarUInt(_count - 2);
        }
    }

    public void Reset()
    {
        _encoder.Reset();
        _count = 0;
        _state = 0;
        _diff = 0;
    }

    public ReadOnlySpan<byte> Finish()
    {
        Flush();
        _count = 0;
        return _encoder.WrittenSpan;
    }
}

/// <summary>lib0 <c>StringEncoder</c>: concatenated strings as one varString followed by UintOptRle of UTF-16 lengths.</summary>
internal sealed class StringColumnEncoder
{
    private readonly System.Text.StringBuilder _text = new();
    private readonly UintOptRleEncoder _lengths = new();
    private readonly Lib0Encoder _out = new(64);

    public void Write(string value)
    {
        _text.Append(value);
        _lengths.Write((ulong)value.Length);
    }

    public void Write(ReadOnlySpan<char> value)
    {
        _text.Append(value);
        _lengths.Write((ulong)value.Length);
    }

    public void Reset()
    {
        _text.Clear();
        _lengths.Reset();
        _out.Reset();
    }

    public ReadOnlySpan<byte> Finish()
    {
        _out.Reset();
        if (_text.Length < 4096)
        {
            Span<char> buf = stackalloc char[_text.Length];
            _text.CopyTo(0, buf, _text.Length);
            _out.WriteVarString(buf);
        }
        else
        {
            _out.WriteVarString(_text.ToString());
        }

        _out.WriteBytes(_lengths.Finish());
        return _out.WrittenSpan;
    }
}
