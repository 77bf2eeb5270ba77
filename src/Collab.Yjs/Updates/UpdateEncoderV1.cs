using Collab.Yjs.Lib0;

namespace Collab.Yjs;

/// <summary>The v1 update layout: everything is written sequentially into one encoder.</summary>
internal sealed class UpdateEncoderV1 : IUpdateEncoder
{
    private Lib0Encoder _encoder;

    public UpdateEncoderV1(Lib0Encoder? encoder = null)
    {
        _encoder = encoder ?? new Lib0Encoder(256);
    }

    public void Reset() => _encoder.Reset();

    public Lib0Encoder RestEncoder
    {
        get => _encoder;
        set => _encoder = value;
    }

    public void ResetDsCurVal()
    {
    }

    public void WriteDsClock(long clock) => _encoder.WriteVarUInt((ulong)clock);

    public void WriteDsLen(long length) => _encoder.WriteVarUInt((ulong)length);

    public void WriteLeftId(ID id)
    {
        _encoder.WriteVarUInt((ulong)id.Client);
        _encoder.WriteVarUInt((ulong)id.Clock);
    }

    public void WriteRightId(ID id)
    {
        _encoder.WriteVarUInt((ulong)id.Client);
        _encoder.WriteVarUInt((ulong)id.Clock);
    }

    public void WriteClient(long client) => _encoder.WriteVarUInt((ulong)client);

    public void WriteInfo(byte info) => _encoder.WriteUInt8(info);

    public void WriteString(string value) => _encoder.WriteVarString(value);

    public void WriteString(ReadOnlySpan<char> value) => _encoder.WriteVarString(value);

    public void WriteParentInfo(bool isYKey) => _encoder.WriteVarUInt(isYKey ? 1UL : 0UL);

    public void WriteTypeRef(int typeRef) => _encoder.WriteVarUInt((ulong)typeRef);

    public void WriteLen(long length) => _encoder.WriteVarUInt((ulong)length);

    public void WriteAny(object? value) => AnyCodec.Write(_encoder, value);

    public void WriteBuf(byte[] buffer) => _encoder.WriteVarUInt8Array(buffer);

    public void WriteJson(object? value) => _encoder.WriteVarString(JsJson.Stringify(value));

    public void WriteKey(string key) => _encoder.WriteVarString(key);

    public byte[] ToArray() => _encoder.ToArray();
}

/// <summary>The v1 update layout reader.</summary>
internal sealed class UpdateDecoderV1(Lib0Decoder decoder) : IUpdateDecoder
{
    public Lib0Decoder RestDecoder => decoder;

    public void ResetDsCurVal()
    {
    }

    public long ReadDsClock() => (long)decoder.ReadVarUInt();

    public long ReadDsLen() => (long)decoder.ReadVarUInt();

    public ID ReadLeftId() => new((long)decoder.ReadVarUInt(), (long)decoder.ReadVarUInt());

    public ID ReadRightId() => new((long)decoder.ReadVarUInt(), (long)decoder.ReadVarUInt());

    public long ReadClient() => (long)decoder.ReadVarUInt();

    public byte ReadInfo() => decoder.ReadUInt8();

    public string ReadString() => decoder.ReadVarString();

    public bool ReadParentInfo() => decoder.ReadVarUInt() == 1;

    public int ReadTypeRef() => decoder.ReadVarUIntAsInt();

    public int ReadLen() => decoder.ReadVarUIntAsInt();

    public object? ReadAny() => AnyCodec.Read(decoder);

    public byte[] ReadBuf() => decoder.ReadVarUInt8Array();

    public object? ReadJson() => JsJson.Parse(decoder.ReadVarString());

    public string ReadKey() => decoder.ReadVarString();
}
