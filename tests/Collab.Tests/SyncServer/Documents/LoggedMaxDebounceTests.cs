using Collab.SyncServer.Hooks;
using Collab.SyncServer.Protocol;
using Collab.Tests.SyncServer.Extensions;
using Collab.Tests.SyncServer.Support;
using Collab.Tests.Yjs.Protocols;

namespace Collab.Tests.SyncServer.Documents;

/// <summary>
/// With the update log (Durability=Logged, the embedded SQLite store), continuous changes postpone the full store up to
/// LoggedMaxDebounce instead of MaxDebounce: the store only compacts the log. An extension that stores elsewhere keeps
/// getting its states every MaxDebounce.
/// </summary>
public sealed class LoggedMaxDebounceTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    // the server with its built-in extensions, the embedded SQLite store among them (LoggedMaxDebounce 30 s)
    private Task<ExtensionServer> StartAsync(ManualTimeProvider time, params ICollabExtension[] extensions) =>
        StartAsync(time, "00:00:30", extensions);

    // loggedMaxDebounce null: the option's default
    private Task<ExtensionServer> StartAsync(ManualTimeProvider time, string? loggedMaxDebounce, params ICollabExtension[] extensions)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Collab:SyncServer:Debounce"] = "00:00:02",
            ["Collab:SyncServer:MaxDebounce"] = "00:00:10",
            ["Collab:SyncServer:MaxDebounceJitter"] = "00:00:00",
            ["Collab:SyncServer:Timeout"] = "00:05:00",
            ["Collab:SyncServer:Durability"] = "Logged",
        };
        if (loggedMaxDebounce is not null)
        {
            settings["Collab:SyncServer:LoggedMaxDebounce"] = loggedMaxDebounce;
        }

        return ExtensionServer.StartAsync(_folder.File("collab.db"), settings, time, extensions);
    }

    /// <summary>Sends one change a second (each acknowledged from the log) until a store was seen or <paramref name="seconds"/> passed; returns the seconds sent.</summary>
    private static async Task<int> TypeEverySecondAsync(ProtocolClient client, ManualTimeProvider time, StoreWatch watch, int seconds, int firstClient = 100)
    {
        for (var i = 0; i < seconds; i++)
        {
            await client.SendAsync(Messages.Update("doc", Messages.TextInsert("x", firstClient + i)));
            await client.WaitForAsync(MessageType.SyncStatus);
            if (watch.Stored.Task.IsCompleted)
            {
                return i;
            }

            time.Advance(TimeSpan.FromSeconds(1));
            // a store the advance started reaches the extension on the thread pool
            await Task.Delay(20, TestContext.Current.CancellationToken);
            if (watch.Stored.Task.IsCompleted)
            {
                return i + 1;
            }
        }

        return seconds;
    }

    [Fact]
    public async Task ContinuousChangesPostponeTheStoreUpToLoggedMaxDebounceWhenOnlyTheLogStores()
    {
        var time = new ManualTimeProvider();
        var watch = new StoreWatch();
        await using var host = await StartAsync(time, watch);
        await using var client = await host.ConnectAsync();
        await client.JoinAsync("doc");

        var typed = await TypeEverySecondAsync(client, time, watch, 20);
        Assert.Equal(20, typed);
        Assert.False(watch.Stored.Task.IsCompleted, "a store came before LoggedMaxDebounce although only the embedded store stores");

        typed += await TypeEverySecondAsync(client, time, watch, 15, firstClient: 200);
        var state = await watch.Stored.Task.WaitAsync(ProtocolClient.Patience, TestContext.Current.CancellationToken);
        AssertStoredAfterAbout(30, typed, state);
    }

    [Fact]
    public async Task ByDefaultTheLogDoesNotPostponeTheStoreBeyondMaxDebounce()
    {
        // the default keeps the log (one to two periods of a busy document's updates) near the size of the states
        var time = new ManualTimeProvider();
        var watch = new StoreWatch();
        await using var host = await StartAsync(time, loggedMaxDebounce: null, watch);
        await using var client = await host.ConnectAsync();
        await client.JoinAsync("doc");

        var typed = await TypeEverySecondAsync(client, time, watch, 20);

        var state = await watch.Stored.Task.WaitAsync(ProtocolClient.Patience, TestContext.Current.CancellationToken);
        AssertStoredAfterAbout(10, typed, state);
    }

    [Fact]
    public async Task AnExtensionThatStoresElsewhereStillGetsAStateEveryMaxDebounce()
    {
        var time = new ManualTimeProvider();
        var watch = new StoreWatch();
        var memory = new MemoryStore();
        await using var host = await StartAsync(time, watch, memory.Extension);
        await using var client = await host.ConnectAsync();
        await client.JoinAsync("doc");

        var typed = await TypeEverySecondAsync(client, time, watch, 20);

        await memory.FirstSuccess.Task.WaitAsync(ProtocolClient.Patience, TestContext.Current.CancellationToken);
        AssertStoredAfterAbout(10, typed, memory.Documents["doc"]);
    }

    /// <summary>The store came after about <paramref name="seconds"/> of typing (±1) and holds about that many changes.</summary>
    private static void AssertStoredAfterAbout(int seconds, int typed, byte[] state)
    {
        Assert.InRange(typed, seconds - 1, seconds + 1);
        Assert.InRange(Messages.TextOf(state).Length, seconds - 1, seconds + 1);
    }

    /// <summary>Sees each store through AfterStoreDocument, without storing anything itself.</summary>
    private sealed class StoreWatch : ICollabExtension
    {
        public TaskCompletionSource<byte[]> Stored { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ValueTask AfterStoreDocument(StoreDocumentPayload payload)
        {
            Stored.TrySetResult(payload.State);
            return default;
        }
    }
}
