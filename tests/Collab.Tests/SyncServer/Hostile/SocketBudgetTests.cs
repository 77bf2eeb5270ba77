using Collab.SyncServer.Connections;
using Collab.Tests.SyncServer.Support;
using Collab.Tests.Yjs.Protocols;
using Microsoft.Extensions.DependencyInjection;

namespace Collab.Tests.SyncServer.Hostile;

/// <summary>Each socket is read no faster than its rate budget: bursts pass, floods are slowed, nothing is dropped.</summary>
[Collection(Collab.Tests.Support.SerialCollection.Name)]
public sealed class SocketBudgetTests
{
    [Fact]
    public void ABurstPassesAndThenMessagesWaitForTheRate()
    {
        var time = new ManualTimeProvider();
        var budget = new SocketBudget(messagesPerSecond: 100, messageBurst: 10, bytesPerSecond: 1000, byteBurst: 5000, time);

        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(TimeSpan.Zero, budget.Spend(10));
        }

        // the 11th message is 1/100 s early; after waiting that long the next one is again one interval early
        Assert.Equal(0.01, budget.Spend(10).TotalSeconds, 6);
        time.Advance(TimeSpan.FromSeconds(0.01));
        Assert.Equal(0.01, budget.Spend(10).TotalSeconds, 6);

        // refilled after a quiet second (up to the burst); a large message waits for its bytes
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(TimeSpan.Zero, budget.Spend(900));
        Assert.Equal(1.0, budget.Spend(5100).TotalSeconds, 3);
    }

    [Fact]
    public async Task AFloodingSocketIsSlowedToItsRateWhileAnHonestPairEditsOnUndisturbed()
    {
        await using var host = await SyncServerHost.StartAsync(new Dictionary<string, string?>
        {
            ["SocketMessagesPerSecond"] = "500",
            ["SocketMessageBurst"] = "200",
        });
        await using var pair = await HonestPair.StartAsync(host);
        await using var flooder = await host.ConnectAsync();
        await flooder.JoinAsync("flood");

        var started = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 1200; i++)
        {
            await flooder.SendAsync(Messages.Stateless("flood", "x"));
        }

        await flooder.RoundTripAsync("flood");
        var elapsed = started.Elapsed;
        var (p99, _, _) = await pair.StopAsync();

        // 200 at once, then 1,001 more at 500/s: about 2 s; the socket stays open and every message was handled
        Assert.InRange(elapsed, TimeSpan.FromSeconds(1.6), TimeSpan.FromSeconds(30));
        Assert.Null(flooder.CloseStatus);
        Assert.True(p99 < 250, $"honest pair p99 {p99:0.0} ms");
    }
}

/// <summary>All sockets of one client address share one rate budget.</summary>
[Collection(Collab.Tests.Support.SerialCollection.Name)]
public sealed class AddressBudgetTests
{
    [Fact]
    public async Task MoreSocketsFromOneAddressDoNotMultiplyWhatItMaySendAndTheBudgetGoesWithTheLastSocket()
    {
        await using var host = await SyncServerHost.StartAsync(new Dictionary<string, string?>
        {
            ["SocketMessagesPerSecond"] = "0",
            ["AddressMessagesPerSecond"] = "400",
            ["AddressMessageBurst"] = "100",
        });
        var addresses = host.App.Services.GetRequiredService<AddressBudgets>();
        var sockets = new List<ProtocolClient>();
        for (var i = 0; i < 4; i++)
        {
            var socket = await host.ConnectAsync();
            await socket.JoinAsync("doc-" + i);
            sockets.Add(socket);
        }

        Assert.Equal(1, addresses.Count);
        var started = System.Diagnostics.Stopwatch.StartNew();
        await Task.WhenAll(sockets.Select(async (socket, i) =>
        {
            for (var n = 0; n < 250; n++)
            {
                await socket.SendAsync(Messages.Stateless("doc-" + i, "x"));
            }

            await socket.RoundTripAsync("doc-" + i);
        }));

        // 4 × 251 messages from one address: 100 at once, the rest at 400/s together (one socket alone would pass)
        Assert.InRange(started.Elapsed, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(30));
        foreach (var socket in sockets)
        {
            Assert.Null(socket.CloseStatus);
            await socket.DisposeAsync();
        }

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (addresses.Count != 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the address's budget outlived its sockets");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }
}
