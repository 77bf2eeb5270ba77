using Collab.Yjs.Lib0;

namespace Collab.Yjs;

/// <summary>Decoded but not yet integrated structs of one client.</summary>
internal sealed class ClientStructRefs(List<AbstractStruct> refs)
{
    public List<AbstractStruct> Refs = refs;
    public int I;
}

/// <summary>Reads and validates the structs section of an update (yjs <c>readClientsStructRefs</c>).</summary>
internal static class StructReader
{
    public static Dictionary<long, ClientStructRefs> ReadClientsStructRefs(IUpdateDecoder decoder, int inputLength)
    {
        var clientRefs = new Dictionary<long, ClientStructRefs>();
        var rest = decoder.RestDecoder;
        var numOfStateUpdates = rest.ReadLength();
        long budget = (64L * inputLength) + 1024;
        for (var i = 0; i < numOfStateUpdates; i++)
        {
            var numberOfStructs = (long)rest.ReadVarUInt();
            if (numberOfStructs > budget)
            {
                throw new YjsDecodingException("Too many structs for the input size.");
            }

            budget -= numberOfStructs;
            var refs = new List<AbstractStruct>((int)Math.Min(numberOfStructs, 1024));
            var client = decoder.ReadClient();
            var clock = CheckClock((long)rest.ReadVarUInt());
            clientRefs[client] = new ClientStructRefs(refs);
            for (long k = 0; k < numberOfStructs; k++)
            {
                var s = ReadStruct(decoder, client, clock, forDocument: true);
                refs.Add(s);
                clock = CheckClock(clock + s.Length);
            }
        }

        return clientRefs;
    }

    private static long CheckClock(long clock) =>
        clock > (long)JsNumber.MaxSafeInteger ? throw new YjsDecodingException("Clock out of range.") : clock;

    /// <summary>Reads one struct; with <c>forDocument</c> (it will be integrated into a document) items come from <see cref="ItemPool"/>.</summary>
    public static AbstractStruct ReadStruct(IUpdateDecoder decoder, long client, long clock, bool forDocument = false)
    {
        var info = decoder.ReadInfo();
        switch (info & 0x1f)
        {
            case 0:
                {
                    var len = decoder.ReadLen();
                    return len <= 0 ? throw new YjsDecodingException("Empty GC struct.") : new GcStruct(client, clock, len);
                }

            case 10:
                {
                    if (info != 10)
                    {
                        throw new YjsDecodingException("Invalid skip info byte.");
                    }

                    var len = decoder.RestDecoder.ReadVarUIntAsInt();
                    return len <= 0 ? throw new YjsDecodingException("Empty skip struct.") : new Skip(client, clock, len);
                }

            default:
                {
                    var cantCopyParentInfo = (info & 0xc0) == 0;
                    ID? origin = (info & 0x80) != 0 ? CheckRef(decoder.ReadLeftId(), client, clock) : null;
                    ID? rightOrigin = (info & 0x40) != 0 ? CheckRef(decoder.ReadRightId(), client, clock) : null;
                    object? parentRef = null;
                    string? parentSub = null;
                    if (cantCopyParentInfo)
                    {
                        parentRef = decoder.ReadParentInfo() ? decoder.ReadString() : CheckRef(decoder.ReadLeftId(), client, clock);
                        if ((info & 0x20) != 0)
                        {
                            parentSub = decoder.ReadString();
                        }
                    }

                    var content = ContentReader.Read(decoder, info);
                    if (content.Length <= 0)
                    {
                        throw new YjsDecodingException("Empty item content.");
                    }

                    return forDocument
                        ? Item.Create(client, clock, null, origin, null, rightOrigin, null, parentSub, content, parentRef)
                        : new Item(client, clock, null, origin, null, rightOrigin, null, parentSub, content) { ParentRef = parentRef };
                }
        }
    }

    private static ID CheckRef(ID id, long client, long clock)
    {
        if (id.Client == client && id.Clock >= clock)
        {
            throw new YjsDecodingException("A struct references a later unit of its own client.");
        }

        if (id.Clock < 0)
        {
            throw new YjsDecodingException("Negative clock.");
        }

        return id;
    }
}

/// <summary>Reads item content by content ref (yjs <c>contentRefs</c>).</summary>
internal static class ContentReader
{
    public static AbstractContent Read(IUpdateDecoder decoder, byte info)
    {
        switch (info & 0x1f)
        {
            case 1: return new ContentDeleted(decoder.ReadLen());
            case 2:
                {
                    var len = decoder.ReadLen();
                    if (decoder is UpdateDecoderV1)
                    {
                        CheckCount(decoder, len);
                    }

                    var list = new List<object?>(Math.Min(len, 1024));
                    for (var i = 0; i < len; i++)
                    {
                        var c = decoder.ReadString();
                        list.Add(c == "undefined" ? JsUndefined.Value : JsJson.Parse(c));
                    }

                    return new ContentJson(list);
                }

            case 3: return new ContentBinary(decoder.ReadBuf());
            case 4: return new ContentString(decoder.ReadString());
            case 5: return new ContentEmbed(decoder.ReadJson());
            case 6: return new ContentFormat(decoder.ReadKey(), decoder.ReadJson());
            case 7: return new ContentType(ReadType(decoder));
            case 8:
                {
                    var len = decoder.ReadLen();
                    CheckCount(decoder, len);
                    var list = new List<object?>(Math.Min(len, 1024));
                    for (var i = 0; i < len; i++)
                    {
                        list.Add(decoder.ReadAny());
                    }

                    return new ContentAny(list);
                }

            case 9:
                {
                    var guid = decoder.ReadString();
                    return new ContentDoc(Doc.CreateFromOptions(guid, decoder.ReadAny()));
                }

            default: throw new YjsDecodingException($"Unknown content ref {info & 0x1f}.");
        }
    }

    private static void CheckCount(IUpdateDecoder decoder, int len)
    {
        if (len > decoder.RestDecoder.Remaining)
        {
            throw new YjsDecodingException("Element count exceeds the input.");
        }
    }

    private static AbstractType ReadType(IUpdateDecoder decoder) => decoder.ReadTypeRef() switch
    {
        0 => new YArray(),
        1 => new YMap(),
        2 => new YText(),
        3 => new YXmlElement(decoder.ReadKey()),
        4 => new YXmlFragment(),
        5 => new YXmlHook(decoder.ReadKey()),
        6 => new YXmlText(),
        var r => throw new YjsDecodingException($"Unknown type ref {r}."),
    };
}
