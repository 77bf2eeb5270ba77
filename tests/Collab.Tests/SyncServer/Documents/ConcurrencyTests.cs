using Collab.SyncServer.Hooks;
using Collab.SyncServer.Protocol;
using Collab.Tests.SyncServer.Support;
using Collab.Tests.Yjs.Protocols;
using Collab.Yjs;
using Collab.Yjs.Protocols;
using Microsoft.Extensions.DependencyInjection;

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
        // on a manual clock, so that however long the close takes, the debounce cannot run out before the asserts
        var time = new ManualTimeProvider();
        var store = new MemoryStore();
        var unloaded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await SyncServerHost.StartAsync(
            new Dictionary<string, string?> { ["UnloadImmediately"] = "false", ["Debounce"] = "00:00:00.400", ["MaxDebounce"] = "00:00:02", ["Durability"] = "Applied" },
            services => services.AddSingleton<TimeProvider>(time),
            store.Extension, new TestExtension { AfterUnload = _ => { unloaded.TrySetResult(); return default; } });
        var client = await host.ConnectAsync();
        await client.JoinAsync("doc");
        await client.SendAsync(Messages.Update("doc", Messages.TextInsert("later")));
        await client.WaitForAsync(MessageType.SyncStatus);
        var document = host.Server.Documents.Find("doc")!;

        await client.DisposeAsync();
        // the connection left the document, and the socket's session ended (after the disconnect decision)
        await Eventually.TrueAsync(() => document.ConnectionCount == 0 && host.Server.GetConnectionsCount() == 0, "the client disconnected", ProtocolClient.Patience);

        Assert.Empty(store.Attempts);
        Assert.Equal(1, host.Server.GetDocumentsCount());
        time.Advance(TimeSpan.FromMilliseconds(500));
        await unloaded.Task.WaitAsync(ProtocolClient.Patience, TestContext.Current.CancellationToken);
        Assert.Equal("later", Messages.TextOf(store.Documents["doc"]));
    }
}
