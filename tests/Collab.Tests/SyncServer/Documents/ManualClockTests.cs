using Collab.SyncServer.Hooks;
using Collab.SyncServer.Protocol;
using Collab.Tests.SyncServer.Support;
using Collab.Tests.Yjs.Protocols;
using Microsoft.Extensions.DependencyInjection;

namespace Collab.Tests.SyncServer.Documents;

public sealed class ManualClockTests
{
    private static Task<SyncServerHost> StartAsync(ManualTimeProvider time, params ICollabExtension[] extensions) =>
        SyncServerHost.StartAsync(
            new Dictionary<string, string?> { ["Debounce"] = "00:00:02", ["MaxDebounce"] = "00:00:10", ["Timeout"] = "00:01:00", ["Durability"] = "Applied", ["MaxDebounceJitter"] = "00:00:00" },
            services => services.AddSingleton<TimeProvider>(time),
            extensions);

    [Fact]
    public async Task TheStoreRunsTwoSecondsAfterTheLastChangeAndNoEarlier()
    {
        var time = new ManualTimeProvider();
        var store = new MemoryStore();
        await using var host = await StartAsync(time, store.Extension);
        await using var client = await host.ConnectAsync();
        await client.JoinAsync("doc");
        await client.SendAsync(Messages.Update("doc", Messages.TextInsert("a")));
        await client.WaitForAsync(MessageType.SyncStatus);

        time.Advance(TimeSpan.FromMilliseconds(1500));
        await client.SendAsync(Messages.Update("doc", Messages.TextInsert("b", 2)));
        await client.WaitForAsync(MessageType.SyncStatus);
        time.Advance(TimeSpan.FromMilliseconds(1500));
        await Task.Delay(100, TestContext.Current.CancellationToken);
        Assert.Empty(store.Attempts);

        time.Advance(TimeSpan.FromMilliseconds(600));

        await store.FirstSuccess.Task.WaitAsync(ProtocolClient.Patience, TestContext.Current.CancellationToken);
        Assert.Equal(2, Messages.TextOf(store.Documents["doc"]).Length);
    }

    [Fact]
    public async Task ContinuousChangesCannotPostponeTheStoreBeyondMaxDebounce()
    {
        var time = new ManualTimeProvider();
        var store = new MemoryStore();
        await using var host = await StartAsync(time, store.Extension);
        await using var client = await host.ConnectAsync();
        await client.JoinAsync("doc");

        for (var i = 0; i < 11 && store.AttemptCount == 0; i++)
        {
            await client.SendAsync(Messages.Update("doc", Messages.TextInsert("x", 10 + i)));
            await client.WaitForAsync(MessageType.SyncStatus);
            time.Advance(TimeSpan.FromSeconds(1));
        }

        await store.FirstSuccess.Task.WaitAsync(ProtocolClient.Patience, TestContext.Current.CancellationToken);
        Assert.InRange(Messages.TextOf(store.Documents["doc"]).Length, 10, 11);
    }

    [Fact]
    public async Task TheIdleTimeoutFollowsTheClock()
    {
        var time = new ManualTimeProvider();
        await using var host = await StartAsync(time);
        await using var client = await host.ConnectAsync();
        await client.JoinAsync("doc");

        time.Advance(TimeSpan.FromSeconds(50));
        await client.SendAsync([0x0a]);
        await client.RoundTripAsync("doc"); // the pong was read (and stamped at 50 s) before the clock moves on
        time.Advance(TimeSpan.FromSeconds(50));
        Assert.True(await client.StaysQuietAsync(TimeSpan.FromMilliseconds(200)));
        time.Advance(TimeSpan.FromSeconds(30));

        Assert.Equal(CloseCodes.ConnectionTimeout, await client.WaitForCloseAsync());
    }
}
