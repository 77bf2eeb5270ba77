using Collab.SyncServer.Hooks;
using Collab.SyncServer.Protocol;
using Collab.Tests.SyncServer.Support;
using Collab.Yjs.Lib0;
using Collab.Yjs.Protocols;

namespace Collab.Tests.SyncServer.Protocol;

public sealed class YWebsocketTests
{
    private static byte[] YSync(SyncMessage m) => YWebsocketMessages.Sync(m);

    [Fact]
    public async Task AYWebsocketClientGetsTheServersSyncStep1FirstAndSharesTheDocumentWithHocuspocusClients()
    {
        await using var host = await SyncServerHost.StartAsync();
        await using var provider = await host.ConnectAsync();
        await provider.JoinAsync("room");
        await using var yws = await ProtocolClient.ConnectAsync(host.YWebsocketUri("room"));

        Assert.Equal([0x00, 0x00, 0x01, 0x00], await yws.ReceiveAsync());
        await yws.SendAsync(YSync(SyncMessage.SyncStep1([0])));
        Assert.Equal([0x00, 0x01, 0x02, 0x00, 0x00], await yws.ReceiveAsync());
        await yws.SendAsync(YSync(SyncMessage.Update(Messages.TextInsert("from yws"))));

        var update = await provider.WaitForAsync(m => m.Type == MessageType.Sync);
        Assert.Equal("from yws", Messages.TextOf(update.ReadSync().Payload));
        await provider.SendAsync(Messages.Update("room", Messages.TextInsert("!", 2)));
        var echo = await yws.ReceiveAsync();
        var (type, sync, _) = YWebsocketMessages.Read(echo);
        Assert.Equal(YWebsocketMessageType.Sync, type);
        Assert.Equal(SyncMessageType.Update, sync.Type);
    }

    [Fact]
    public async Task AYWebsocketClientIsAuthenticatedWithTheTokenFromTheQueryString()
    {
        await using var host = await SyncServerHost.StartAsync(extensions: new TestExtension
        {
            Authenticate = p => p.Token == "secret" ? default : throw new CollabRejectException("no"),
        });
        await using var denied = await ProtocolClient.ConnectAsync(host.YWebsocketUri("room"));
        await using var allowed = await ProtocolClient.ConnectAsync(new Uri(host.YWebsocketUri("room") + "?token=secret"));

        Assert.Equal([0x02, 0x00, 0x02, 0x6e, 0x6f], await denied.ReceiveAsync());
        Assert.Equal(CloseCodes.Forbidden, await denied.WaitForCloseAsync());
        Assert.Equal([0x00, 0x00, 0x01, 0x00], await allowed.ReceiveAsync());
    }

    [Fact]
    public async Task AwarenessFromAYWebsocketClientIsEchoedAndRemovedWhenItLeaves()
    {
        await using var host = await SyncServerHost.StartAsync();
        await using var provider = await host.ConnectAsync();
        await provider.JoinAsync("room");
        var yws = await ProtocolClient.ConnectAsync(host.YWebsocketUri("room"));
        await yws.ReceiveAsync();

        await yws.SendAsync(YWebsocketMessages.Awareness(Messages.AwarenessState(5, 1, """{"y":1}""")));

        var echo = await yws.ReceiveAsync();
        Assert.Equal(YWebsocketMessageType.Awareness, YWebsocketMessages.Read(echo).Type);
        await provider.WaitForAsync(m => m.Type == MessageType.Awareness);
        await yws.DisposeAsync();
        await provider.WaitForAsync(m => m.Type == MessageType.Awareness && AwarenessUpdate.Decode(m.ReadAwareness()).Single().State is null);
    }

    [Fact]
    public async Task MalformedYWebsocketFramesCloseTheSocketWithInvalidPayload()
    {
        await using var host = await SyncServerHost.StartAsync();
        await using var yws = await ProtocolClient.ConnectAsync(host.YWebsocketUri("room"));
        await yws.ReceiveAsync();
        var e = new Lib0Encoder();
        e.WriteVarUInt(0);
        e.WriteVarUInt(7);

        await yws.SendAsync(e.ToArray());

        Assert.Equal(CloseCodes.InvalidPayload, await yws.WaitForCloseAsync());
    }
}
