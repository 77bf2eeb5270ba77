using Collab.SyncServer.Hooks;
using Collab.SyncServer.Protocol;
using Collab.Tests.SyncServer.Support;
using Collab.Yjs;
using Collab.Yjs.Protocols;

namespace Collab.Tests.SyncServer.Documents;

public sealed class ConcurrencyTests
{
    [Fact]
    public async Task ManyClientsEditingAtOnceConvergeOnTheServerAndEveryClient()
    {
        await using var host = await SyncServerHost.StartAsync();
        var clients = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => host.ConnectAsync()));
        await Task.WhenAll(clients.Select(c => c.JoinAsync("shared")));

        await Task.WhenAll(clients.Select(async (client, index) =>
        {
            var doc = new Doc(new DocOptions { ClientId = 1000 + index });
            for (var i = 0; i < 25; i++)
            {
                var before = doc.EncodeStateVector();
                doc.GetText("t").Insert(0, "x");
                await client.SendAsync(Messages.Update("shared", doc.EncodeStateAsUpdate(before)));
            }
        }));

        await using var late = await host.ConnectAsync();
        await Eventually.TrueAsync(() => host.Server.Documents.Find("shared")!.Read(d => d.GetText("t").ToString().Length) == 200, "every edit is applied");
        Assert.Equal(200, Messages.TextOf(await late.JoinAsync("shared")).Length);
        var replica = new Doc();
        var watcher = clients[0];
        while (replica.GetText("t").ToString().Length < 200)
        {
            var message = await watcher.WaitForAsync(m => m.Type == MessageType.Sync && m.ReadSync().Type == SyncMessageType.Update);
            replica.ApplyUpdate(message.ReadSync().Payload);
        }

        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }
    }

    [Fact]
    public async Task ASocketCannotOpenMoreDocumentsThanAllowed()
    {
        await using var host = await SyncServerHost.StartAsync(new Dictionary<string, string?> { ["MaxDocumentsPerSocket"] = "2" });
        await using var client = await host.ConnectAsync();
        await client.JoinAsync("a");
        await client.JoinAsync("b");

        await client.SendAsync(Messages.Auth("c", ""));

        Assert.Equal(CloseCodes.ResetConnection, await client.WaitForCloseAsync());
    }

    [Fact]
    public async Task WithoutUnloadImmediatelyTheDocumentWaitsForTheDebouncedStoreBeforeUnloading()
    {
        var store = new MemoryStore();
        var unloaded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await SyncServerHost.StartAsync(
            new Dictionary<string, string?> { ["UnloadImmediately"] = "false", ["Debounce"] = "00:00:00.400", ["MaxDebounce"] = "00:00:02", ["Durability"] = "Applied" },
            extensions: [store.Extension, new TestExtension { AfterUnload = _ => { unloaded.TrySetResult(); return default; } }]);
        var client = await host.ConnectAsync();
        await client.JoinAsync("doc");
        await client.SendAsync(Messages.Update("doc", Messages.TextInsert("later")));
        await client.WaitForAsync(MessageType.SyncStatus);

        await client.DisposeAsync();

        Assert.Empty(store.Attempts);
        Assert.Equal(1, host.Server.GetDocumentsCount());
        await unloaded.Task.WaitAsync(ProtocolClient.Patience, TestContext.Current.CancellationToken);
        Assert.Equal("later", Messages.TextOf(store.Documents["doc"]));
    }
}
