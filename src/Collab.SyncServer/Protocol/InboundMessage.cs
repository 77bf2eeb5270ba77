using Collab.Yjs.Lib0;
using Collab.Yjs.Protocols;

namespace Collab.SyncServer.Protocol;

/// <summary>
/// An inbound Hocuspocus frame after reading its envelope: the raw address, its document/session split and the
/// message type. Bodies are decoded on demand by the Read* methods, each of which throws only
/// <see cref="ProtocolException"/>.
/// </summary>
public readonly struct InboundMessage
{
    private readonly int _bodyOffset;

    private InboundMessage(byte[] frame, string address, ulong type, int bodyOffset)
    {
        Frame = frame;
        Address = address;
        RawType = type;
        _bodyOffset = bodyOffset;
        var nul = address.IndexOf('\0', StringComparison.Ordinal);
        DocumentName = nul < 0 ? address : address[..nul];
        SessionId = nul < 0 ? null : address[(nul + 1)..];
    }

    /// <summary>The whole frame.</summary>
    public byte[] Frame { get; }

    /// <summary>The raw address (routing key).</summary>
    public string Address { get; }

    /// <summary>The document name: the address up to the first NUL.</summary>
    public string DocumentName { get; }

    /// <summary>The session id after the first NUL, if any.</summary>
    public string? SessionId { get; }

    /// <summary>The message type as sent (may be unknown).</summary>
    public ulong RawType { get; }

    /// <summary>The message type.</summary>
    public MessageType Type => RawType <= (ulong)MessageType.Pong ? (MessageType)RawType : (MessageType)(-1);

    /// <summary>True when the frame is the single-byte Pong.</summary>
    public static bool IsPong(ReadOnlySpan<byte> frame) => frame.Length == 1 && frame[0] == (byte)MessageType.Pong;

    /// <summary>Reads the envelope. An undecodable address throws 4401; a missing type throws 1007.</summary>
    public static InboundMessage Parse(byte[] frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var decoder = new Lib0Decoder(frame);
        string address;
        try
        {
            address = decoder.ReadVarString();
        }
        catch (YjsDecodingException e)
        {
            throw ProtocolException.BadAddress(e);
        }

        try
        {
            var type = decoder.ReadVarUInt();
            return new InboundMessage(frame, address, type, decoder.Position);
        }
        catch (YjsDecodingException e)
        {
            throw ProtocolException.Malformed("Missing Message Type", e);
        }
    }

    private Lib0Decoder Body() => new(Frame, _bodyOffset, Frame.Length - _bodyOffset);

    /// <summary>The body of a Sync or SyncReply message.</summary>
    public SyncMessage ReadSync() => Decode("Malformed Sync Message", static d => SyncMessage.Read(d));

    /// <summary>The awareness update of an Awareness message.</summary>
    public byte[] ReadAwareness() => Decode("Malformed Awareness Message", static d => d.ReadVarUInt8Array());

    /// <summary>The Token of an Auth message (sub-type, token, optional provider version). Errors map to 4205.</summary>
    public (AuthMessageType Type, string Token, string? Version) ReadAuth()
    {
        try
        {
            var d = Body();
            var type = d.ReadVarUInt();
            var token = d.ReadVarString();
            var version = d.HasContent ? d.ReadVarString() : null;
            return (type > 2 ? (AuthMessageType)(-1) : (AuthMessageType)type, token, version);
        }
        catch (YjsDecodingException e)
        {
            throw ProtocolException.BadAuth(e);
        }
    }

    /// <summary>The payload of a Stateless message.</summary>
    public string ReadStateless() => Decode("Malformed Stateless Message", static d => d.ReadVarString());

    private T Decode<T>(string what, Func<Lib0Decoder, T> read)
    {
        try
        {
            return read(Body());
        }
        catch (YjsDecodingException e)
        {
            throw ProtocolException.Malformed(what, e);
        }
    }
}
