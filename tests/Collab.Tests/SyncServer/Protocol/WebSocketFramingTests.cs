using System.Text;
using Collab.SyncServer.Hooks;
using Collab.SyncServer.Protocol;
using Collab.Tests.SyncServer.Support;
using Collab.Yjs.Protocols;

namespace Collab.Tests.SyncServer.Protocol;

/// <summary>RFC 6455 framing over loopback, on both accept paths; bad framing never affects other connections.</summary>
public sealed class WebSocketFramingTests
{
    private const byte Continuation = 0x0;
    private const byte Text = 0x1;
    private const byte Binary = 0x2;
    private const byte Close = 0x8;
    private const byte Ping = 0x9;
    private const byte Pong = 0xA;

    private static Task<SyncServerHost> StartAsync(bool direct, string? maxMessageBytes = null)
    {
        var options = new Dictionary<string, string?> { ["DirectWebSockets"] = direct ? "true" : "false" };
        if (maxMessageBytes is not null)
        {
            options["MaxMessageBytes"] = maxMessageBytes;
        }

        return SyncServerHost.StartAsync(options);
    }

    /// <summary>
    /// Opens a bystander and a raw socket, lets <paramref name="violate"/> misbehave on the raw one, and asserts its close
    /// code, the end of its TCP connection, and that the bystander's document still works.
    /// </summary>
    private static async Task AssertClosesWithAsync(bool direct, int code, Func<RawWebSocket, Task> violate, string? maxMessageBytes = null)
    {
        await using var host = await StartAsync(direct, maxMessageBytes);
        await using var bystander = await host.ConnectAsync();
        await bystander.JoinAsync("doc");
        await using var socket = await RawWebSocket.OpenAsync(host);
        await socket.AuthenticateAsync("doc");

        await violate(socket);

        Assert.Equal(code, await socket.WaitForCloseAsync());
        Assert.True(await socket.EndsAsync(), "the server ends the TCP connection after the close frame");
        await bystander.SendAsync(Messages.Update("doc", Messages.TextInsert("still here", 7)));
        await bystander.WaitForAsync(MessageType.SyncStatus);
        await using var late = await host.ConnectAsync();
        Assert.Equal("still here", Messages.TextOf(await late.JoinAsync("doc")));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AMessageFragmentedIntoThreeFramesIsAssembledAndAnswered(bool direct)
    {
        await using var host = await StartAsync(direct);
        await using var socket = await RawWebSocket.OpenAsync(host);
        var auth = Messages.Auth("doc", "some token");

        await socket.SendFrameAsync(Binary, auth[..3], fin: false);
        await socket.SendFrameAsync(Continuation, auth[3..7], fin: false);
        await socket.SendFrameAsync(Continuation, auth[7..]);

        await socket.WaitForMessageAsync(m => m.Address == "doc" && m.Type == MessageType.Auth);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task FragmentsWithEmptyFramesAndPingsBetweenThemAreAssembled(bool direct)
    {
        await using var host = await StartAsync(direct);
        await using var socket = await RawWebSocket.OpenAsync(host);
        var auth = Messages.Auth("doc", "");

        await socket.SendFrameAsync(Binary, [], fin: false);
        await socket.SendFrameAsync(Ping, "between"u8.ToArray());
        await socket.SendFrameAsync(Continuation, auth[..2], fin: false, encoding: LengthEncoding.Bits64);
        await socket.SendFrameAsync(Pong, "unsolicited"u8.ToArray());
        await socket.SendFrameAsync(Continuation, auth[2..], encoding: LengthEncoding.Bits16);

        var pong = await socket.ReadFrameAsync();
        Assert.Equal((Pong, "between"), (pong.Opcode, Encoding.ASCII.GetString(pong.Payload)));
        await socket.WaitForMessageAsync(m => m.Address == "doc" && m.Type == MessageType.Auth);
    }

    [Theory]
    [InlineData(true, 0)]
    [InlineData(true, 5)]
    [InlineData(true, 125)]
    [InlineData(false, 0)]
    [InlineData(false, 125)]
    public async Task APingIsAnsweredWithAPongCarryingTheSamePayload(bool direct, int length)
    {
        await using var host = await StartAsync(direct);
        await using var socket = await RawWebSocket.OpenAsync(host);
        var payload = Enumerable.Range(0, length).Select(i => (byte)(i * 7)).ToArray();

        await socket.SendFrameAsync(Ping, payload);

        var pong = await socket.ReadFrameAsync();
        Assert.Equal((true, 0, Pong, false), (pong.Fin, pong.Rsv, pong.Opcode, pong.Masked));
        Assert.Equal(payload, pong.Payload);
        await socket.AuthenticateAsync("doc");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AnUnmaskedClientFrameIsAProtocolError(bool direct) =>
        await AssertClosesWithAsync(direct, 1002, s => s.SendFrameAsync(Binary, Messages.Bare("doc", MessageType.QueryAwareness), masked: false));

    [Theory]
    [InlineData(true, 1)]
    [InlineData(true, 2)]
    [InlineData(true, 4)]
    [InlineData(false, 4)]
    public async Task ReservedBitsAreAProtocolError(bool direct, int rsv) =>
        await AssertClosesWithAsync(direct, 1002, s => s.SendFrameAsync(Binary, Messages.Bare("doc", MessageType.QueryAwareness), rsv: rsv));

    [Theory]
    [InlineData(true, 0x3)]
    [InlineData(true, 0x7)]
    [InlineData(true, 0xB)]
    [InlineData(true, 0xF)]
    [InlineData(false, 0x3)]
    [InlineData(false, 0xB)]
    public async Task AnUnknownOpcodeIsAProtocolError(bool direct, int opcode) =>
        await AssertClosesWithAsync(direct, 1002, s => s.SendFrameAsync((byte)opcode, [1, 2, 3]));

    [Theory]
    [InlineData(true, Ping)]
    [InlineData(true, Pong)]
    [InlineData(true, Close)]
    [InlineData(false, Ping)]
    public async Task AControlFrameAbove125BytesIsAProtocolError(bool direct, byte opcode) =>
        await AssertClosesWithAsync(direct, 1002, s => s.SendFrameAsync(opcode, new byte[126]));

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AFragmentedPingIsAProtocolError(bool direct) =>
        await AssertClosesWithAsync(direct, 1002, s => s.SendFrameAsync(Ping, [1], fin: false));

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AContinuationWithoutAStartedMessageIsAProtocolError(bool direct) =>
        await AssertClosesWithAsync(direct, 1002, s => s.SendFrameAsync(Continuation, Messages.Bare("doc", MessageType.QueryAwareness)));

    [Theory]
    [InlineData(true, Binary)]
    [InlineData(true, Text)]
    [InlineData(false, Binary)]
    public async Task ANewDataFrameWhileAFragmentedMessageIsOpenIsAProtocolError(bool direct, byte opcode) =>
        await AssertClosesWithAsync(direct, 1002, async s =>
        {
            var message = Messages.Bare("doc", MessageType.QueryAwareness);
            await s.SendFrameAsync(Binary, message[..2], fin: false);
            await s.SendFrameAsync(opcode, message);
        });

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AFragmentedMessageAboveTheSizeLimitClosesWithMessageTooBig(bool direct) =>
        await AssertClosesWithAsync(direct, CloseCodes.MessageTooBig, async s =>
        {
            var message = Messages.Stateless("doc", new string('x', 6000));
            await s.SendFrameAsync(Binary, message[..2000], fin: false);
            await s.SendFrameAsync(Continuation, message[2000..4000], fin: false);
            await s.SendFrameAsync(Continuation, message[4000..]);
        }, maxMessageBytes: "4096");

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AFrameHeaderAnnouncingMoreThanTheLimitClosesWithMessageTooBigAtOnce(bool direct) =>
        await AssertClosesWithAsync(direct, CloseCodes.MessageTooBig, s =>
            s.SendAsync(RawWebSocket.Frame(Binary, [], encoding: LengthEncoding.Bits64, declaredLength: 1L << 40)), maxMessageBytes: "4096");

    [Theory]
    [InlineData(true, 1005)]
    [InlineData(true, 2000)]
    [InlineData(false, 999)]
    public async Task ACloseFrameWithAForbiddenCodeIsAProtocolError(bool direct, int code) =>
        await AssertClosesWithAsync(direct, 1002, s => s.SendFrameAsync(Close, [(byte)(code >> 8), (byte)code]));

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ACloseReasonThatIsNotUtf8ClosesWithInvalidPayloadData(bool direct) =>
        await AssertClosesWithAsync(direct, 1007, s => s.SendFrameAsync(Close, [0x03, 0xE8, 0xC3, 0x28]));

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ATextFrameClosesWithUnsupportedData(bool direct) =>
        await AssertClosesWithAsync(direct, CloseCodes.UnsupportedData, s => s.SendFrameAsync(Text, "hello"u8.ToArray()));

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AFragmentedTextMessageClosesWithUnsupportedData(bool direct) =>
        await AssertClosesWithAsync(direct, CloseCodes.UnsupportedData, async s =>
        {
            await s.SendFrameAsync(Text, "hel"u8.ToArray(), fin: false);
            await s.SendFrameAsync(Continuation, "lo"u8.ToArray());
        });

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ACloseFrameWithAOneBytePayloadIsAProtocolError(bool direct) =>
        await AssertClosesWithAsync(direct, 1002, s => s.SendFrameAsync(Close, [0x03]));

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A64BitLengthWithTheMostSignificantBitSetIsAProtocolError(bool direct) =>
        await AssertClosesWithAsync(direct, 1002, s =>
            s.SendAsync(RawWebSocket.Frame(Binary, [1, 2, 3], encoding: LengthEncoding.Bits64, declaredLength: 0x8000_0000_0000_0003)));

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AnEmptyBinaryMessageHasNoAddressAndClosesWithUnauthorized(bool direct) =>
        // the Hocuspocus envelope starts with the document name; InboundMessage.Parse answers an undecodable one with 4401
        await AssertClosesWithAsync(direct, CloseCodes.Unauthorized, s => s.SendFrameAsync(Binary, []));

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AnEmptyFragmentedBinaryMessageHasNoAddressAndClosesWithUnauthorized(bool direct) =>
        await AssertClosesWithAsync(direct, CloseCodes.Unauthorized, async s =>
        {
            await s.SendFrameAsync(Binary, [], fin: false);
            await s.SendFrameAsync(Continuation, []);
        });

    [Theory]
    [InlineData(true, 1000, "bye")]
    [InlineData(true, 4000, "")]
    [InlineData(false, 1000, "bye")]
    public async Task ACloseFrameFromTheClientIsAnsweredAndTheConnectionEnds(bool direct, int code, string reason)
    {
        await using var host = await StartAsync(direct);
        await using var bystander = await host.ConnectAsync();
        await bystander.JoinAsync("doc");
        await using var socket = await RawWebSocket.OpenAsync(host);
        await socket.AuthenticateAsync("doc");
        await Eventually.TrueAsync(() => host.Server.Documents.Find("doc")?.ConnectionCount == 2, "both sockets joined", RawWebSocket.Patience);

        await socket.SendFrameAsync(Close, [(byte)(code >> 8), (byte)code, .. Encoding.UTF8.GetBytes(reason)]);

        Assert.Equal(CloseCodes.Normal, await socket.WaitForCloseAsync(answer: false));
        Assert.True(await socket.EndsAsync(), "the server ends the TCP connection after its close frame");
        await Eventually.TrueAsync(() => host.Server.Documents.Find("doc")?.ConnectionCount == 1, "the closed socket left the document", RawWebSocket.Patience);
        await bystander.SendAsync(Messages.Update("doc", Messages.TextInsert("x")));
        await bystander.WaitForAsync(MessageType.SyncStatus);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AnEmptyCloseFrameIsAnsweredWithNormalClosure(bool direct)
    {
        await using var host = await StartAsync(direct);
        await using var socket = await RawWebSocket.OpenAsync(host);

        await socket.SendFrameAsync(Close, []);

        Assert.Equal(CloseCodes.Normal, await socket.WaitForCloseAsync(answer: false));
        Assert.True(await socket.EndsAsync(), "the server ends the TCP connection after its close frame");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ClientsJoinSyncAndExchangeUpdatesOnBothAcceptPaths(bool direct)
    {
        var watcher = new WebSocketHandshakeTests.UpgradeWatcher();
        await using var host = await SyncServerHost.StartAsync(
            new Dictionary<string, string?> { ["DirectWebSockets"] = direct ? "true" : "false" }, extensions: watcher);
        await using var alice = await host.ConnectAsync();
        await using var bob = await host.ConnectAsync();
        Assert.Empty(Messages.TextOf(await alice.JoinAsync("doc")));
        await bob.JoinAsync("doc");

        await alice.SendAsync(Messages.Update("doc", Messages.TextInsert("hi")));

        await alice.WaitForAsync(MessageType.SyncStatus);
        var update = await bob.WaitForAsync(m => m.Type == MessageType.Sync && m.ReadSync().Type == SyncMessageType.Update);
        Assert.Equal("hi", Messages.TextOf(update.ReadSync().Payload));
        await bob.SendAsync(Messages.Update("doc", Messages.TextInsert("!", 2)));
        await alice.WaitForAsync(m => m.Type == MessageType.Sync && m.ReadSync().Type == SyncMessageType.Update);
        await using var carol = await host.ConnectAsync();
        Assert.Equal(3, Messages.TextOf(await carol.JoinAsync("doc")).Length);
        Assert.Equal([!direct, !direct, !direct], watcher.ThroughHttpStack.ToArray());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ALargeMessageIn64BitFramingIsReceivedAndALargeAnswerIsFramedForTheClient(bool direct)
    {
        await using var host = await StartAsync(direct);
        await using var alice = await RawWebSocket.OpenAsync(host);
        await using var bob = await host.ConnectAsync();
        await alice.AuthenticateAsync("doc");
        await bob.JoinAsync("doc");
        var text = new string('y', 200_000);

        await alice.SendFrameAsync(Binary, Messages.Update("doc", Messages.TextInsert(text)));

        var update = await bob.WaitForAsync(m => m.Type == MessageType.Sync && m.ReadSync().Type == SyncMessageType.Update);
        Assert.Equal(text, Messages.TextOf(update.ReadSync().Payload));
        await bob.SendAsync(Messages.Update("doc", Messages.TextInsert(text, 3)));
        var echoed = await alice.WaitForMessageAsync(m => m.Type == MessageType.Sync && m.ReadSync().Type == SyncMessageType.Update);
        Assert.Equal(text, Messages.TextOf(echoed.ReadSync().Payload));
    }
}
