using Collab.Yjs.Lib0;

namespace Collab.Yjs;

/// <summary>The v2 update layout: fields are routed to column encoders, assembled by <see cref="ToArray"/>.</summary>
internal sealed class UpdateEncoderV2 : IUpdateEncoder
{
    private readonly IntDiffOptRleEncoder _keyClock = new();
    private readonly UintOptRleEncoder _client = new();
    private readonly IntDiffOptRleEncoder _leftClock = new();
    private readonly IntDiffOptRleEncoder _rightClock = new();
    private readonly RleEncoder _info = new();
    private readonly StringColumnEncoder _string = new();
    private readonly RleEncoder _parentInfo = new();
    private readonly UintOptRleEncoder _typeRef = new();
    private readonly UintOptRleEncoder _len = new();
    private readonly Lib0Encoder _output = new(128);
    private Lib0Encoder _rest = new(128);
    private long _dsCurrVal;
    private long _keyClockValue;

    /// <summary>Clears everything written so the encoder can be reused.</summary>
    public void Reset()
    {
        _keyClock.Reset();
        _client.Reset();
        _leftClock.Reset();
        _rightClock.Reset();
        _info.Reset();
        _string.Reset();
        _parentInfo.Reset();
        _typeRef.Reset();
        _len.Reset();
        _rest.Reset();
        _dsCurrVal = 0;
        _keyClockValue = 0;
    }

    public Lib0Encoder RestEncoder
    {
        get => _rest;
        set => _rest = value;
    }

    public void ResetDsCurVal() => _dsCurrVal = 0;

    public void WriteDsClock(long clock)
    {
        var diff = clock - _dsCurrVal;
        _dsCurrVal = clock;
        _rest.WriteVarUInt((ulong)diff);
    }

    public void WriteDsLen(long length)
    {
        if (length == 0)
        {
            throw new InvalidOperationException("A delete range of length 0 cannot be written in v2.");
        }

        _rest.WriteVarUInt((ulong)(length - 1));
        _dsCurrVal += length;
    }

    public void WriteLeftId(ID id)
    {
        _client.Write((ulong)id.Client);
        _leftClock.Write(id.Clock);
    }

    public void WriteRightId(ID id)
    {
        _client.Write((ulong)id.Client);
        _rightClock.Write(id.Clock);
    }

    public void WriteClient(long client) => _client.Write((ulong)client);

    public void WriteInfo(byte info) => _info.Write(info);

    public void WriteString(string value) => _string.Write(value);

    public void WriteString(ReadOnlySpan<char> value) => _string.Write(value);

    public void WriteParentInfo(bool isYKey) => _parentInfo.Write(isYKey ? (byte)1 : (byte)0);

    public void WriteTypeRef(int typeRef) => _typeRef.Write((ulong)typeRef);

    public void WriteLen(long length) => _len.Write((ulong)length);

    public void WriteAny(object? value) => AnyCodec.Write(_rest, value);

    public void WriteBuf(byte[] buffer) => _rest.WriteVarUInt8Array(buffer);

    public void WriteJson(object? value) => AnyCodec.Write(_rest, value);

    public void WriteKey(string key)
    {
        _keyClock.Write(_keyClockValue++);
        _string.Write(key);
    }

    public byte[] ToArray()
    {
        var e = _output;
        e.Reset();
        e.WriteVarUInt(0);
        e.WriteVarUInt8Array(_keyClock.Finish());
        e.WriteVarUInt8Array(_client.Finish());
        e.WriteVarUInt8Array(_leftClock.Finish());
        e.WriteVarUInt8Array(_rightClock.Finish());
        e.WriteVarUInt8Array(_info.Span);
        e.WriteVarUInt8Array(_string.Finish());
        e.WriteVarUInt8Array(_parentInfo.Span);
        e.WriteVarUInt8Array(_typeRef.Finish());
        e.WriteVarUInt8Array(_len.Finish());
        e.WriteBytes(_rest.WrittenSpan);
        return e.ToArray();
    }
}

/// <summary>The v2 update layout reader.</summary>
internal sealed class UpdateDecoderV2 : IUpdateDecoder
{
    private readonly List<string> _keys = [];
    private readonly IntDiffOptRleDecoder _keyClock;
    private readonly UintOptRleDecoder _client;
    private readonly IntDiffOptRleDecoder _leftClock;
    private readonly IntDiffOptRleDecoder _rightClock;
    private readonly RleDecoder _info;
    private readonly StringColumnDecoder _string;
    private readonly RleDecoder _parentInfo;
    private readonly UintOptRleDecoder _typeRef;
    private readonly UintOptRleDecoder _len;
    private long _dsCurrVal;

    public UpdateDecoderV2(Lib0Decoder decoder)
    {
        decoder.ReadVarUInt();
        _keyClock = new IntDiffOptRleDecoder(decoder.ReadNestedDecoder());
        _client = new UintOptRleDecoder(decoder.ReadNestedDecoder());
        _leftClock = new IntDiffOptRleDecoder(decoder.ReadNestedDecoder());
        _rightClock = new IntDiffOptRleDecoder(decoder.ReadNestedDecoder());
        _info = new RleDecoder(decoder.ReadNestedDecoder());
        _string = new StringColumnDecoder(decoder.ReadNestedDecoder());
        _parentInfo = new RleDecoder(decoder.ReadNestedDecoder());
        _typeRef = new UintOptRleDecoder(decoder.ReadNestedDecoder());
        _len = new UintOptRleDecoder(decoder.ReadNestedDecoder());
        RestDecoder = decoder;
    }

    public Lib0Decoder RestDecoder { get; }

    public void ResetDsCurVal() => _dsCurrVal = 0;

    public long ReadDsClock()
    {
        _dsCurrVal += (long)RestDecoder.ReadVarUInt();
        return _dsCurrVal;
    }

    public long ReadDsLen()
    {
        var diff = (long)RestDecoder.ReadVarUInt() + 1;
        _dsCurrVal += diff;
        return diff;
    }

    public ID ReadLeftId() => new(CheckedClient(_client.Read()), CheckedClock(_leftClock.Read()));

    public ID ReadRightId() => new(CheckedClient(_client.Read()), CheckedClock(_rightClock.Read()));

    public long ReadClient() => CheckedClient(_client.Read());

    public byte ReadInfo() => _info.Read();

    public string ReadString() => _string.Read();

    public bool ReadParentInfo() => _parentInfo.Read() == 1;

    public int ReadTypeRef() => _typeRef.ReadInt();

    public int ReadLen() => _len.ReadInt();

    public object? ReadAny() => AnyCodec.Read(RestDecoder);

    public byte[] ReadBuf() => RestDecoder.ReadVarUInt8Array();

    public object? ReadJson() => AnyCodec.Read(RestDecoder);

    public string ReadKey()
    {
        var keyClock = _keyClock.Read();
        if (keyClock >= 0 && keyClock < _keys.Count)
        {
            return _keys[(int)keyClock];
        }

        var key = _string.Read();
        _keys.Add(key);
        return key;
    }

    private static long CheckedClient(ulong v) => (long)v;

    private static long CheckedClock(long v) =>
        v is < 0 or > (long)JsNumber.MaxSafeInteger ? throw new YjsDecodingException("Clock out of range.") : v;
}
