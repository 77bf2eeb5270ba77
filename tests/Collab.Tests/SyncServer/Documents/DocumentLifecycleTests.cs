using Collab.SyncServer;
using Collab.SyncServer.Hooks;
using Collab.SyncServer.Protocol;
using Collab.Tests.SyncServer.Support;
using Collab.Tests.Yjs.Protocols;
using Microsoft.Extensions.DependencyInjection;

namespace Collab.Tests.SyncServer.Documents;

public sealed class DocumentLifecycleTests
{
    private static Dictionary<string, string?> Timing(string debounce, string maxDebounce, params (string Key, string Value)[] more)
    {
        var options = new Dictionary<string, string?> { ["Debounce"] = debounce, ["MaxDebounce"] = maxDebounce };
        foreach (var (key, value) in more)
        {
            options[key] = value;
        }

        return options;
    }

    private static Task<SyncServerHost> StartAsync(ManualTimeProvider time, Dictionary<string, string?> options, params ICollabExtension[] extensions) =>
        SyncServerHost.StartAsync(options, services => services.AddSingleton<TimeProvider>(time), extensions);

    [Fact]
    public async Task ConcurrentJoinersShareASingleLoad()
    {
        var loads = 0;
        await using var host = await SyncServerHost.StartAsync(extensions: new TestExtension
        {
            Load = async _ =>
            {
                Interlocked.Increment(ref loads);
                await Task.Delay(200, TestContext.Current.CancellationToken);
            },
        });
        var clients = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => host.ConnectAsync()));

        await Task.WhenAll(clients.Select(c => c.JoinAsync("doc")));

        Assert.Equal(1, loads);
        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }
    }

    [Fact]
    public async Task ABurstOfChangesIsStoredOnceAfterTheDebounce()
    {
        // on a manual clock: however slowly the updates arrive, they are one burst unless the clock moves
        var time = new ManualTimeProvider();
        var store = new MemoryStore();
        await using var host = await StartAsync(time, Timing("00:00:00.300", "00:00:05", ("Durability", "Applied")), store.Extension);
        await using var client = await host.ConnectAsync();
        await client.JoinAsync("doc");

        for (var i = 0; i < 5; i++)
        {
            await client.SendAsync(Messages.Update("doc", Messages.TextInsert("x", 10 + i)));
            await client.WaitForAsync(MessageType.SyncStatus);
        }

        time.Advance(TimeSpan.FromMilliseconds(300));
        await store.FirstSuccess.Task.WaitAsync(ProtocolClient.Patience, TestContext.Current.CancellationToken);
        time.Advance(TimeSpan.FromMilliseconds(600));
        await Task.Delay(100, TestContext.Current.CancellationToken); // no second store, even given time to show up
        Assert.Equal(1, store.AttemptCount);
        Assert.Equal(5, Messages.TextOf(store.Documents["doc"]).Length);
    }

    [Fact]
    public async Task ContinuousChangesAreStoredAtLeastEveryMaxDebounce()
    {
        // on a manual clock: a change every 50 ms for 1.3 s, so the 200 ms debounce never runs out, exactly
        var time = new ManualTimeProvider();
        var store = new MemoryStore();
        await using var host = await StartAsync(time, Timing("00:00:00.200", "00:00:00.400", ("Durability", "Applied"), ("MaxDebounceJitter", "00:00:00")), store.Extension);
        await using var client = await host.ConnectAsync();
        await client.JoinAsync("doc");

        for (var i = 0; i < 26; i++)
        {
            await client.SendAsync(Messages.Update("doc", Messages.TextInsert("x", 10 + i)));
            await client.WaitForAsync(MessageType.SyncStatus);
            time.Advance(TimeSpan.FromMilliseconds(50));
        }

        // the changes at 400 ms and 850 ms reached MaxDebounce (stores run off the receive loop, so wait for them)
        await Eventually.TrueAsync(() => store.AttemptCount >= 2, "two stores within 1.3 s of continuous changes", ProtocolClient.Patience);
        Assert.InRange(store.AttemptCount, 2, 5);
    }

    [Fact]
    public async Task SyncStatusIsSentOnlyOnceTheChangeIsStored()
    {
        var store = new MemoryStore(failures: 1);
        await using var host = await SyncServerHost.StartAsync(Timing("00:00:00.100", "00:00:01", ("StoreRetryDelay", "00:00:00.100")), extensions: store.Extension);
        await using var client = await host.ConnectAsync();
        await client.JoinAsync("doc");

        await client.SendAsync(Messages.Update("doc", Messages.TextInsert("saved")));
        await client.WaitForAsync(MessageType.SyncStatus);

        Assert.Equal(2, store.AttemptCount);
        Assert.Equal("saved", Messages.TextOf(store.Documents["doc"]));
    }

    [Fact]
    public async Task AJoinersEmptySyncStep2IsAcknowledgedAtOnceWhileOtherChangesAwaitTheirStore()
    {
        var store = new MemoryStore();
        await using var host = await SyncServerHost.StartAsync(Timing("00:00:30", "00:01:00"), extensions: store.Extension);
        await using var writer = await host.ConnectAsync();
        await using var joiner = await host.ConnectAsync();
        await writer.JoinAsync("doc");
        await writer.SendAsync(Messages.Update("doc", Messages.TextInsert("pending")));
        await writer.WaitForAsync(m => m.Type == MessageType.Sync);

        await joiner.JoinAsync("doc");
        await joiner.SendAsync(Messages.Sync("doc", Collab.Yjs.Protocols.SyncMessage.SyncStep2([0, 0])));

        await joiner.WaitForAsync(MessageType.SyncStatus);
        Assert.True(await writer.StaysQuietAsync(TimeSpan.FromMilliseconds(200)));
        Assert.Empty(store.Attempts);
    }

    [Fact]
    public async Task WithAppliedDurabilitySyncStatusDoesNotWaitForTheStore()
    {
        var store = new MemoryStore();
        await using var host = await SyncServerHost.StartAsync(Timing("00:00:30", "00:01:00", ("Durability", nameof(SyncDurability.Applied))), extensions: store.Extension);
        await using var client = await host.ConnectAsync();
        await client.JoinAsync("doc");

        await client.SendAsync(Messages.Update("doc", Messages.TextInsert("fast")));
        await client.WaitForAsync(MessageType.SyncStatus);

        Assert.Empty(store.Attempts);
    }

    [Fact]
    public async Task TheLastDisconnectStoresAtOnceAndUnloadsTheDocument()
    {
        var store = new MemoryStore();
        var unloaded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await SyncServerHost.StartAsync(Timing("00:00:30", "00:01:00", ("Durability", "Applied")),
            extensions: [store.Extension, new TestExtension { AfterUnload = _ => { unloaded.TrySetResult(); return default; } }]);
        var client = await host.ConnectAsync();
        await client.JoinAsync("doc");
        await client.SendAsync(Messages.Update("doc", Messages.TextInsert("bye")));
        await client.WaitForAsync(MessageType.SyncStatus);

        await client.DisposeAsync();

        await unloaded.Task.WaitAsync(ProtocolClient.Patience, TestContext.Current.CancellationToken);
        Assert.Equal("bye", Messages.TextOf(store.Documents["doc"]));
        Assert.Equal(0, host.Server.GetDocumentsCount());
        await using var again = await host.ConnectAsync();
        Assert.Equal("bye", Messages.TextOf(await again.JoinAsync("doc")));
    }

    [Fact]
    public async Task AFailedStoreIsRetriedAndTheDocumentStaysLoadedUntilItIsStored()
    {
        var store = new MemoryStore(failures: 3);
        await using var host = await SyncServerHost.StartAsync(Timing("00:00:00.050", "00:00:00.200", ("Durability", "Applied"), ("StoreRetryDelay", "00:00:00.050")), extensions: store.Extension);
        var client = await host.ConnectAsync();
        await client.JoinAsync("doc");
        await client.SendAsync(Messages.Update("doc", Messages.TextInsert("keep")));
        await client.WaitForAsync(MessageType.SyncStatus);

        await client.DisposeAsync();

        await store.FirstSuccess.Task.WaitAsync(ProtocolClient.Patience, TestContext.Current.CancellationToken);
        Assert.Equal(4, store.AttemptCount);
        Assert.Equal("keep", Messages.TextOf(store.Documents["doc"]));
        await Eventually.TrueAsync(() => host.Server.GetDocumentsCount() == 0, "the stored document is unloaded");
    }

    [Fact]
    public async Task ADirectConnectionEditsLikeAClientAndItsDisconnectStores()
    {
        var store = new MemoryStore();
        await using var host = await SyncServerHost.StartAsync(Timing("00:00:30", "00:01:00", ("Durability", "Applied")), extensions: store.Extension);
        await using var client = await host.ConnectAsync();
        await client.JoinAsync("doc");
        var direct = await host.Server.OpenDirectConnectionAsync("doc", new Dictionary<string, object?> { ["by"] = "server" });

        direct.Transact(t => t.Doc.GetText("t").Insert(0, "from server"));

        var update = await client.WaitForAsync(MessageType.Sync);
        Assert.Equal("from server", Messages.TextOf(update.ReadSync().Payload));
        await direct.DisconnectAsync(cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal("from server", Messages.TextOf(store.Documents["doc"]));
        Assert.Equal(1, host.Server.GetDocumentsCount());
    }

    [Fact]
    public async Task StoppingTheServerStoresEveryPendingDocument()
    {
        var store = new MemoryStore();
        var host = await SyncServerHost.StartAsync(Timing("00:00:30", "00:01:00", ("Durability", "Applied")), extensions: store.Extension);
        var client = await host.ConnectAsync();
        await client.JoinAsync("a");
        await client.JoinAsync("b");
        await client.SendAsync(Messages.Update("a", Messages.TextInsert("A")));
        await client.SendAsync(Messages.Update("b", Messages.TextInsert("B")));
        await client.WaitForAllAsync(m => m.Address == "a" && m.Type == MessageType.SyncStatus, m => m.Address == "b" && m.Type == MessageType.SyncStatus);

        await host.DisposeAsync();

        Assert.Equal(1001, await client.WaitForCloseAsync());
        Assert.Equal("A", Messages.TextOf(store.Documents["a"]));
        Assert.Equal("B", Messages.TextOf(store.Documents["b"]));
        await client.DisposeAsync();
    }
}
