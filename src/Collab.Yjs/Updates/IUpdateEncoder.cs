using Collab.Yjs.Lib0;

namespace Collab.Yjs;

/// <summary>Writes the logical fields of an update into the v1 or v2 layout (yjs UpdateEncoderV1/V2 plus DSEncoder).</summary>
internal interface IUpdateEncoder
{
    Lib0Encoder RestEncoder { get; set; }

    void ResetDsCurVal();

    void WriteDsClock(long clock);

    void WriteDsLen(long length);

    void WriteLeftId(ID id);

    void WriteRightId(ID id);

    void WriteClient(long client);

    void WriteInfo(byte info);

    void WriteString(string value);

    void WriteString(ReadOnlySpan<char> value);

    void WriteParentInfo(bool isYKey);

    void WriteTypeRef(int typeRef);

    void WriteLen(long length);

    void WriteAny(object? value);

    void WriteBuf(byte[] buffer);

    void WriteJson(object? value);

    void WriteKey(string key);

    byte[] ToArray();
}

/// <summary>Reads the logical fields of an update from the v1 or v2 layout.</summary>
internal interface IUpdateDecoder
{
    Lib0Decoder RestDecoder { get; }

    void ResetDsCurVal();

    long ReadDsClock();

    long ReadDsLen();

    ID ReadLeftId();

    ID ReadRightId();

    long ReadClient();

    byte ReadInfo();

    string ReadString();

    bool ReadParentInfo();

    int ReadTypeRef();

    int ReadLen();

    object? ReadAny();

    byte[] ReadBuf();

    object? ReadJson();

    string ReadKey();
}
