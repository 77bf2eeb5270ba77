using Collab.Yjs.Lib0;

namespace Collab.Yjs;

/// <summary>Yields the structs of an encoded update one at a time (yjs <c>LazyStructReader</c>).</summary>
internal sealed class LazyStructReader
{
    private readonly IUpdateDecoder _decoder;
    private readonly bool _filterSkips;
    private long _blocksLeft;
    private long _structsLeft;
    private long _client;
    private long _clock;
    private long _budget;

    public LazyStructReader(IUpdateDecoder decoder, bool filterSkips, int inputLength)
    {
        _decoder = decoder;
        _filterSkips = filterSkips;
        _budget = (64L * inputLength) + 1024;
        _blocksLeft = (long)decoder.RestDecoder.ReadVarUInt();
        Next();
    }

    public AbstractStruct? Curr { get; private set; }

    public AbstractStruct? Next()
    {
        do
        {
            Curr = ReadOne();
        }
        while (_filterSkips && Curr is Skip);

        return Curr;
    }

    private AbstractStruct? ReadOne()
    {
        while (_structsLeft == 0)
        {
            if (_blocksLeft == 0)
            {
                return null;
            }

            _blocksLeft--;
            var rest = _decoder.RestDecoder;
            _structsLeft = (long)rest.ReadVarUInt();
            if (_structsLeft > _budget)
            {
                throw new YjsDecodingException("Too many structs for the input size.");
            }

            _budget -= _structsLeft;
            _client = _decoder.ReadClient();
            _clock = (long)rest.ReadVarUInt();
        }

        _structsLeft--;
        var s = StructReader.ReadStruct(_decoder, _client, _clock);
        _clock += s.Length;
        if (_clock > (long)JsNumber.MaxSafeInteger)
        {
            throw new YjsDecodingException("Clock out of range.");
        }

        return s;
    }
}

/// <summary>Writes structs grouped into client blocks as they come (yjs <c>LazyStructWriter</c>).</summary>
internal sealed class LazyStructWriter(IUpdateEncoder encoder)
{
    private readonly List<(int Written, byte[] Bytes)> _clientStructs = [];
    private long _currClient;
    private int _written;

    public IUpdateEncoder Encoder => encoder;

    public void Write(AbstractStruct s, int offset)
    {
        if (_written > 0 && _currClient != s.Client)
        {
            Flush();
        }

        if (_written == 0)
        {
            _currClient = s.Client;
            encoder.WriteClient(s.Client);
            encoder.RestEncoder.WriteVarUInt((ulong)(s.Clock + offset));
        }

        s.Write(encoder, offset);
        _written++;
    }

    private void Flush()
    {
        if (_written > 0)
        {
            _clientStructs.Add((_written, encoder.RestEncoder.ToArray()));
            encoder.RestEncoder = new Lib0Encoder(128);
            _written = 0;
        }
    }

    public void Finish()
    {
        Flush();
        var rest = encoder.RestEncoder;
        rest.WriteVarUInt((ulong)_clientStructs.Count);
        foreach (var (written, bytes) in _clientStructs)
        {
            rest.WriteVarUInt((ulong)written);
            rest.WriteBytes(bytes);
        }
    }
}
