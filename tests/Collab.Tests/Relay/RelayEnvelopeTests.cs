using Collab.Relay;

namespace Collab.Tests.Relay;

public sealed class RelayEnvelopeTests
{
    [Fact]
    public void AMessageSurvivesTheEnvelopeWithEveryField()
    {
        var message = RelayMessage.Create(RelayKind.SyncReply, "docs/ünïcode name", "replica-1", new byte[] { 1, 2, 3 }, target: "replica-2");
        var decoded = RelayEnvelope.Decode(RelayEnvelope.Encode(message));
        Assert.Equal(message.Kind, decoded.Kind);
        Assert.Equal(message.Document, decoded.Document);
        Assert.Equal(message.Origin, decoded.Origin);
        Assert.Equal("replica-2", decoded.Target);
        Assert.Equal(message.Id, decoded.Id);
        Assert.Equal([1, 2, 3], decoded.Payload.ToArray());
        Assert.Equal(RelayChannel.Ephemeral, decoded.Channel);
    }

    [Fact]
    public void AnEmptyTargetMeansEveryInstanceAndOwnMessagesAreNotForUs()
    {
        var message = RelayEnvelope.Decode(RelayEnvelope.Encode(RelayMessage.Create(RelayKind.Update, "d", "a", new byte[] { 0, 0 })));
        Assert.Null(message.Target);
        Assert.True(message.IsFor("b"));
        Assert.False(message.IsFor("a"));
        Assert.Equal(RelayChannel.Durable, message.Channel);
        var addressed = RelayMessage.Create(RelayKind.SyncReply, "d", "a", ReadOnlyMemory<byte>.Empty, target: "c");
        Assert.False(addressed.IsFor("b"));
        Assert.True(addressed.IsFor("c"));
    }

    [Fact]
    public void TheOriginCanBeReadWithoutDecodingTheRest()
    {
        var envelope = RelayEnvelope.Encode(RelayMessage.Create(RelayKind.Awareness, "d", "replica-7", new byte[100]));
        Assert.True(RelayEnvelope.TryPeekOrigin(envelope, out var origin));
        Assert.Equal("replica-7"u8.ToArray(), origin.ToArray());
        Assert.False(RelayEnvelope.TryPeekOrigin([0xC0, 2, 1, 1, 0x61], out _));
    }

    public static TheoryData<byte[], string> Malformed => new()
    {
        { [], "too short" },
        { [0x01, 0x02, 0x03, 0x04], "Not a relay envelope" },
        { [0xC0, 0x09, 0x01, 0x00], "version 9 is unknown" },
        { [0xC0, 0x01, 0x4D], "kind 77 is unknown" },
        { [0xC0, 0x01, 0x01], "truncated in the length of its origin" },
        { [0xC0, 0x01, 0x01, 0x05, 0x61], "truncated in its origin" },
        { [0xC0, 0x01, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F], "claims" },
        { [0xC0, 0x01, 0x01, 0x02, 0xC3, 0x28, 0x00, 0x00], "not valid UTF-8" },
        { [0xC0, 0x01, 0x01, 0x01, 0x61, 0x01, 0x64, 0x00, 0x01, 0x02], "truncated in its id" },
        { [0xC0, 0x01, 0x01, 0x00, 0x00, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], "no origin" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void MalformedEnvelopesAreRefusedWithAClearReason(byte[] bytes, string reason)
    {
        var error = Assert.Throws<RelayEnvelopeException>(() => RelayEnvelope.Decode(bytes));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IdentifiersLongerThanTheLimitAreRefusedWhenEncoding() =>
        Assert.Throws<ArgumentException>(() => RelayEnvelope.Encode(RelayMessage.Create(RelayKind.Heartbeat, "", new string('x', 256), ReadOnlyMemory<byte>.Empty)));
}
