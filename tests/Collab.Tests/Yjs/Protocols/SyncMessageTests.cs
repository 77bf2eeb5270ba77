using System.Text.Json;
using Collab.Yjs.Lib0;
using Collab.Yjs.Protocols;
using Collab.Tests.Support;

namespace Collab.Tests.Yjs.Protocols;

public class SyncMessageTests
{
    private static readonly TimeSpan NodeTimeout = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData("000100", SyncMessageType.SyncStep1, "00")]
    [InlineData("0003010102", SyncMessageType.SyncStep1, "010102")]
    [InlineData("01020000", SyncMessageType.SyncStep2, "0000")]
    [InlineData("010c010101000401017402686900", SyncMessageType.SyncStep2, "010101000401017402686900")]
    [InlineData("020c010101000401017402686900", SyncMessageType.Update, "010101000401017402686900")]
    public void SpecExamplesParseAndEncodeBackToTheSameBytes(string message, SyncMessageType type, string payload)
    {
        var parsed = SyncMessage.Parse(Convert.FromHexString(message));

        Assert.Equal(type, parsed.Type);
        Assert.Equal(payload, Convert.ToHexStringLower(parsed.Payload));
        Assert.Equal(message, Convert.ToHexStringLower(parsed.Encode()));
    }

    [Fact]
    public void FactoriesProduceTheMessageTypeTheyAreNamedAfter()
    {
        byte[] payload = [0];

        Assert.Equal("000100", Convert.ToHexStringLower(SyncMessage.SyncStep1(payload).Encode()));
        Assert.Equal("010100", Convert.ToHexStringLower(SyncMessage.SyncStep2(payload).Encode()));
        Assert.Equal("020100", Convert.ToHexStringLower(SyncMessage.Update(payload).Encode()));
        Assert.False(SyncMessage.SyncStep1(payload).IsWrite);
        Assert.True(SyncMessage.SyncStep2(payload).IsWrite);
        Assert.True(SyncMessage.Update(payload).IsWrite);
    }

    [Fact]
    public void ReadingFromASharedDecoderLeavesTheFollowingBytesUnread()
    {
        var decoder = new Lib0Decoder(Convert.FromHexString("000100ff"));

        var message = SyncMessage.Read(decoder);

        Assert.Equal(SyncMessageType.SyncStep1, message.Type);
        Assert.Equal(1, decoder.Remaining);
    }

    [Theory]
    [InlineData("")]
    [InlineData("00")]
    [InlineData("0005")]
    [InlineData("00050102")]
    [InlineData("03020000")]
    [InlineData("7f00")]
    [InlineData("ffffffffffffffffff01")]
    public void MalformedMessagesThrowADecodingException(string message)
    {
        Assert.Throws<YjsDecodingException>(() => SyncMessage.Parse(Convert.FromHexString(message)));
    }

    [Fact]
    public async Task MessagesMatchWhatYProtocolsWritesForTheSamePayloads()
    {
        var output = await NodeScript.RunAsync(NodeTimeout, "yjs-oracle/sync-messages.mjs");
        using var json = JsonDocument.Parse(output);
        var checkedMessages = 0;
        foreach (var c in json.RootElement.GetProperty("cases").EnumerateArray())
        {
            var sv = Hex(c, "stateVector");
            var full = Hex(c, "stateAsUpdate");
            AssertHex(c, "syncStep1", SyncMessage.SyncStep1(sv).Encode());
            AssertHex(c, "syncStep2", SyncMessage.SyncStep2(full).Encode());
            foreach (var u in c.GetProperty("updates").EnumerateArray())
            {
                AssertHex(u, "message", SyncMessage.Update(Hex(u, "update")).Encode());
                var parsed = SyncMessage.Parse(Hex(u, "message"));
                Assert.Equal(SyncMessageType.Update, parsed.Type);
                Assert.Equal(Hex(u, "update"), parsed.Payload);
                checkedMessages++;
            }

            foreach (var r in c.GetProperty("replies").EnumerateArray())
            {
                var step1 = SyncMessage.Parse(Hex(r, "step1"));
                Assert.Equal((SyncMessageType)r.GetProperty("type").GetInt32(), step1.Type);
                var reply = SyncMessage.Parse(Hex(r, "reply"));
                Assert.Equal(SyncMessageType.SyncStep2, reply.Type);
                checkedMessages++;
            }

            checkedMessages += 2;
        }

        Assert.True(checkedMessages > 20, $"only {checkedMessages} messages checked");
    }

    private static byte[] Hex(JsonElement e, string name) => Convert.FromHexString(e.GetProperty(name).GetString()!);

    private static void AssertHex(JsonElement e, string name, byte[] actual) =>
        Assert.Equal(e.GetProperty(name).GetString(), Convert.ToHexStringLower(actual));
}
