using Collab.SyncServer.Protocol;
using Collab.Yjs.Protocols;

namespace Collab.Tests.SyncServer.Protocol;

/// <summary>The Appendix A vectors of docs/protocol.md.</summary>
public sealed class ProtocolVectorTests
{
    private static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));

    [Fact]
    public void ServerMessagesMatchTheReferenceBytes()
    {
        Assert.Equal(Hex("03 64 6f 63 02 02 0a 72 65 61 64 2d 77 72 69 74 65"), OutboundMessages.Authenticated("doc", readOnly: false));
        Assert.Equal(Hex("03 64 6f 63 02 02 08 72 65 61 64 6f 6e 6c 79"), OutboundMessages.Authenticated("doc", readOnly: true));
        Assert.Equal(Hex("03 64 6f 63 02 01 11 70 65 72 6d 69 73 73 69 6f 6e 2d 64 65 6e 69 65 64"), OutboundMessages.PermissionDenied("doc", "permission-denied"));
        Assert.Equal(Hex("03 64 6f 63 02 00"), OutboundMessages.TokenRequest("doc"));
        Assert.Equal(Hex("03 64 6f 63 00 01 02 00 00"), OutboundMessages.Sync("doc", SyncMessage.SyncStep2([0, 0])));
        Assert.Equal(Hex("03 64 6f 63 05 05 68 65 6c 6c 6f"), OutboundMessages.Stateless("doc", "hello"));
        Assert.Equal(Hex("03 64 6f 63 07 10 52 65 73 65 74 20 43 6f 6e 6e 65 63 74 69 6f 6e"), OutboundMessages.Close("doc", "Reset Connection"));
        Assert.Equal(Hex("03 64 6f 63 08 01"), OutboundMessages.SyncStatus("doc", true));
        Assert.Equal(Hex("03 64 6f 63 08 00"), OutboundMessages.SyncStatus("doc", false));
        Assert.Equal(Hex("09"), OutboundMessages.Ping);
        Assert.Equal(Hex("0a 64 6f 63 00 6b 33 6a 32 68 31 05 02 68 69"), OutboundMessages.Stateless("doc\0k3j2h1", "hi"));
        Assert.Equal(Hex("02 00 02 6e 6f"), YWebsocketMessages.PermissionDenied("no"));
        Assert.Equal(Hex("00 00 01 00"), YWebsocketMessages.Sync(SyncMessage.SyncStep1([0])));
    }

    [Fact]
    public void ClientMessagesAreReadLikeTheReference()
    {
        var auth = InboundMessage.Parse(Hex("03 64 6f 63 02 00 03 61 62 63 05 34 2e 35 2e 30"));
        Assert.Equal((AuthMessageType.Token, "abc", "4.5.0"), auth.ReadAuth());
        Assert.Equal((AuthMessageType.Token, "", (string?)null), InboundMessage.Parse(Hex("03 64 6f 63 02 00 00")).ReadAuth());
        var session = InboundMessage.Parse(Hex("0a 64 6f 63 00 6b 33 6a 32 68 31 05 02 68 69"));
        Assert.Equal(("doc", "k3j2h1", MessageType.Stateless, "hi"), (session.DocumentName, session.SessionId, session.Type, session.ReadStateless()));
        var update = InboundMessage.Parse(Hex("03 64 6f 63 00 02 0c 01 01 01 00 04 01 01 74 02 68 69 00"));
        Assert.Equal(Hex("01 01 01 00 04 01 01 74 02 68 69 00"), update.ReadSync().Payload);
        Assert.True(InboundMessage.IsPong(Hex("0a")));
        Assert.False(InboundMessage.IsPong(Hex("0a 0a")));
    }

    [Fact]
    public void MalformedBodiesBecomeProtocolErrorsWithTheirCloseCode()
    {
        Assert.Equal(4401, Assert.Throws<ProtocolException>(() => InboundMessage.Parse([0x80])).Code);
        Assert.Equal(4205, Assert.Throws<ProtocolException>(() => InboundMessage.Parse(Hex("03 64 6f 63 02 00 05 61")).ReadAuth()).Code);
        Assert.Equal(1007, Assert.Throws<ProtocolException>(() => InboundMessage.Parse(Hex("03 64 6f 63 00 05 00")).ReadSync()).Code);
        Assert.Equal(1007, Assert.Throws<ProtocolException>(() => YWebsocketMessages.Read([0x01, 0x09])).Code);
    }
}
