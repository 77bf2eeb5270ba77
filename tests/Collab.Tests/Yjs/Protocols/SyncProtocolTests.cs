using System.Text.Json;
using Collab.Yjs;
using Collab.Yjs.Lib0;
using Collab.Yjs.Protocols;
using Collab.Tests.Support;

namespace Collab.Tests.Yjs.Protocols;

public class SyncProtocolTests
{
    private static readonly TimeSpan NodeTimeout = TimeSpan.FromSeconds(60);

    private static Doc DocWithHi()
    {
        var doc = new Doc(new DocOptions { ClientId = 1 });
        doc.GetText("t").Insert(0, "hi");
        return doc;
    }

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);

    [Fact]
    public void StepOneAndStepTwoOfADocumentMatchTheSpecExamples()
    {
        var empty = new Doc(new DocOptions { ClientId = 1 });

        Assert.Equal("000100", Hex(SyncProtocol.CreateSyncStep1(empty).Encode()));
        Assert.Equal("01020000", Hex(SyncProtocol.CreateSyncStep2(empty).Encode()));
        Assert.Equal("010c010101000401017402686900", Hex(SyncProtocol.CreateSyncStep2(DocWithHi()).Encode()));
    }

    [Fact]
    public void AStepOneIsAnsweredWithTheMissingPartAndWritesNothingElse()
    {
        var reply = new Lib0Encoder();

        var type = SyncProtocol.ReadSyncMessage(new Lib0Decoder(Convert.FromHexString("000100")), reply, DocWithHi(), null);

        Assert.Equal(SyncMessageType.SyncStep1, type);
        Assert.Equal("010c010101000401017402686900", Hex(reply.ToArray()));
    }

    [Fact]
    public void StepTwoAndUpdateMessagesAreAppliedWithTheOriginAndNeedNoReply()
    {
        var doc = new Doc(new DocOptions { ClientId = 9 });
        var origins = new List<object?>();
        doc.Update += (_, e) => origins.Add(e.Origin);
        var reply = new Lib0Encoder();

        var type = SyncProtocol.ReadSyncMessage(new Lib0Decoder(Convert.FromHexString("020c010101000401017402686900")), reply, doc, "conn");

        Assert.Equal(SyncMessageType.Update, type);
        Assert.Equal(0, reply.Length);
        Assert.Equal("hi", doc.GetText("t").ToString());
        Assert.Equal(["conn"], origins);
        Assert.Null(SyncProtocol.Handle(doc, SyncMessage.Parse(Convert.FromHexString("010c010101000401017402686900")), "conn"));
    }

    [Fact]
    public void AMalformedUpdateGoesToTheErrorHandlerWhenOneIsGivenAndLeavesTheDocumentUnchanged()
    {
        var doc = DocWithHi();
        var before = doc.EncodeStateAsUpdate();
        var errors = new List<Exception>();
        var malformed = SyncMessage.Update([0x05, 0x01, 0x02]).Encode();

        SyncProtocol.ReadSyncMessage(new Lib0Decoder(malformed), new Lib0Encoder(), doc, null, errors.Add);

        Assert.IsType<YjsDecodingException>(Assert.Single(errors));
        Assert.Equal(before, doc.EncodeStateAsUpdate());
        Assert.Throws<YjsDecodingException>(() => SyncProtocol.ReadSyncMessage(new Lib0Decoder(malformed), new Lib0Encoder(), doc, null));
    }

    [Fact]
    public void AnUnknownMessageTypeThrowsEvenWithAnErrorHandler()
    {
        Assert.Throws<YjsDecodingException>(() => SyncProtocol.ReadSyncMessage(new Lib0Decoder([3, 0]), new Lib0Encoder(), DocWithHi(), null, _ => { }));
    }

    [Fact]
    public async Task DocumentMessagesAndRepliesMatchYProtocolsByteForByte()
    {
        var output = await NodeScript.RunAsync(NodeTimeout, "yjs-oracle/sync-messages.mjs");
        using var json = JsonDocument.Parse(output);
        var cases = json.RootElement.GetProperty("cases").EnumerateArray().ToList();
        foreach (var c in cases)
        {
            var name = c.GetProperty("name").GetString();
            var doc = new Doc(new DocOptions { ClientId = 999 });
            doc.ApplyUpdate(Bytes(c, "stateAsUpdate"));
            Assert.True(c.GetProperty("syncStep1").GetString() == Hex(SyncProtocol.CreateSyncStep1(doc).Encode()), $"{name}: step 1");
            Assert.True(c.GetProperty("syncStep2").GetString() == Hex(SyncProtocol.CreateSyncStep2(doc).Encode()), $"{name}: step 2");
            foreach (var r in c.GetProperty("replies").EnumerateArray())
            {
                var reply = new Lib0Encoder();
                var type = SyncProtocol.ReadSyncMessage(new Lib0Decoder(Bytes(r, "step1")), reply, doc, null);
                Assert.Equal(r.GetProperty("type").GetInt32(), (int)type);
                Assert.True(r.GetProperty("reply").GetString() == Hex(reply.ToArray()), $"{name}: reply to {r.GetProperty("peer").GetString()}");
            }

            var receive = c.GetProperty("receive");
            var receiver = new Doc(new DocOptions { ClientId = 1000 });
            var noReply = new Lib0Encoder();
            var received = SyncProtocol.ReadSyncMessage(new Lib0Decoder(Bytes(receive, "step2")), noReply, receiver, "remote");
            Assert.Equal(receive.GetProperty("type").GetInt32(), (int)received);
            Assert.Equal(receive.GetProperty("replyLength").GetInt32(), noReply.Length);
            Assert.Equal(receive.GetProperty("stateVectorAfter").GetString(), Hex(receiver.EncodeStateVector()));
        }

        Assert.Equal(4, cases.Count);
    }

    private static byte[] Bytes(JsonElement e, string name) => Convert.FromHexString(e.GetProperty(name).GetString()!);
}
