using Collab.SyncServer.Hooks;
using Collab.SyncServer.Protocol;
using Collab.Tests.SyncServer.Support;
using Collab.Tests.Yjs.Protocols;
using Microsoft.Extensions.DependencyInjection;

namespace Collab.Tests.SyncServer.Protocol;

public sealed class CloseCodeTests
{
    [Fact]
    public async Task AnUndecodableAddressClosesTheSocketWithUnauthorized()
    {
        await using var host = await SyncServerHost.StartAsync();
        await using var client = await host.ConnectAsync();

        await client.SendAsync([0x05, 0x61]);

        Assert.Equal(CloseCodes.Unauthorized, await client.WaitForCloseAsync());
    }

    [Fact]
    public async Task AnUndecodableAuthMessageClosesTheSocketWithResetConnection()
    {
        await using var host = await SyncServerHost.StartAsync();
        await using var client = await host.ConnectAsync();

        await client.SendAsync([0x03, 0x64, 0x6f, 0x63, 0x02, 0x00, 0x09, 0x61]);

        Assert.Equal(CloseCodes.ResetConnection, await client.WaitForCloseAsync());
    }

    [Fact]
    public async Task TextFramesAreRefused()
    {
        await using var host = await SyncServerHost.StartAsync();
        await using var client = await host.ConnectAsync();

        await client.SendTextAsync("hello");

        Assert.Equal(CloseCodes.UnsupportedData, await client.WaitForCloseAsync());
    }

    [Fact]
    public async Task MessagesAboveTheSizeLimitCloseTheSocketWithMessageTooBig()
    {
        await using var host = await SyncServerHost.StartAsync(new Dictionary<string, string?> { ["MaxMessageBytes"] = "4096" });
        await using var client = await host.ConnectAsync();
        await client.JoinAsync("doc");

        await client.SendAsync(Messages.Stateless("doc", new string('x', 5000)));

        Assert.Equal(CloseCodes.MessageTooBig, await client.WaitForCloseAsync());
    }

    [Fact]
    public async Task TooManyQueuedBytesBeforeAuthenticationCloseWithResetConnection()
    {
        await using var host = await SyncServerHost.StartAsync(new Dictionary<string, string?> { ["MaxUnauthenticatedQueueBytes"] = "100" });
        await using var client = await host.ConnectAsync();

        await client.SendAsync(Messages.Stateless("doc", new string('x', 60)));
        await client.SendAsync(Messages.Stateless("doc", new string('x', 60)));

        Assert.Equal(CloseCodes.ResetConnection, await client.WaitForCloseAsync());
    }

    [Fact]
    public async Task TooManyQueuedMessagesBeforeAuthenticationCloseWithResetConnection()
    {
        await using var host = await SyncServerHost.StartAsync(new Dictionary<string, string?> { ["MaxUnauthenticatedQueueMessages"] = "3" });
        await using var client = await host.ConnectAsync();

        for (var i = 0; i < 4; i++)
        {
            await client.SendAsync(Messages.Bare("doc", MessageType.QueryAwareness));
        }

        Assert.Equal(CloseCodes.ResetConnection, await client.WaitForCloseAsync());
    }

    [Fact]
    public async Task TooManyPendingDocumentsCloseWithResetConnection()
    {
        await using var host = await SyncServerHost.StartAsync(new Dictionary<string, string?> { ["MaxPendingDocuments"] = "2" });
        await using var client = await host.ConnectAsync();

        foreach (var name in new[] { "a", "b", "c" })
        {
            await client.SendAsync(Messages.Bare(name, MessageType.QueryAwareness));
        }

        Assert.Equal(CloseCodes.ResetConnection, await client.WaitForCloseAsync());
    }

    [Fact]
    public async Task ASocketThatNeverAuthenticatesIsClosedAtTheDeadlineEvenWhileSending()
    {
        await using var host = await SyncServerHost.StartAsync(new Dictionary<string, string?> { ["Timeout"] = "00:00:00.400" });
        await using var client = await host.ConnectAsync();
        var started = DateTime.UtcNow;

        var close = client.WaitForCloseAsync();
        while (!close.IsCompleted && DateTime.UtcNow - started < TimeSpan.FromSeconds(5))
        {
            try
            {
                await client.SendAsync([0x0a]);
            }
            catch (System.Net.WebSockets.WebSocketException)
            {
                // the server closed the socket meanwhile
                break;
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        Assert.Equal(CloseCodes.ConnectionTimeout, await close);
    }

    [Fact]
    public async Task AnAuthenticatedSocketStaysOpenWhileTrafficFlowsAndClosesWhenIdle()
    {
        // on a manual clock: a stall of the test machine cannot make the traffic look idle (checked every 100 ms)
        var time = new ManualTimeProvider();
        await using var host = await SyncServerHost.StartAsync(
            new Dictionary<string, string?> { ["Timeout"] = "00:00:00.400" },
            services => services.AddSingleton<TimeProvider>(time));
        await using var client = await host.ConnectAsync();
        await client.JoinAsync("doc");

        for (var i = 0; i < 12; i++)
        {
            await client.SendAsync([0x0a]);
            await client.RoundTripAsync("doc"); // read (so stamped) before the clock moves on; answered, so still open
            time.Advance(TimeSpan.FromMilliseconds(50));
        }

        Assert.Null(client.CloseStatus);
        time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.Equal(CloseCodes.ConnectionTimeout, await client.WaitForCloseAsync());
    }

    [Fact]
    public async Task AnInvalidUpdateClosesThatSocketAndLeavesTheDocumentAndOtherClientsIntact()
    {
        await using var host = await SyncServerHost.StartAsync();
        await using var good = await host.ConnectAsync();
        await using var bad = await host.ConnectAsync();
        await good.JoinAsync("doc");
        await bad.JoinAsync("doc");
        await good.SendAsync(Messages.Update("doc", Messages.TextInsert("ok")));
        await good.WaitForAsync(MessageType.SyncStatus);

        await bad.SendAsync(Messages.Update("doc", [0x01, 0x05, 0xff, 0xff]));

        Assert.Equal(CloseCodes.InvalidPayload, await bad.WaitForCloseAsync());
        await good.SendAsync(Messages.Update("doc", Messages.TextInsert("!", 2)));
        await good.WaitForAsync(MessageType.SyncStatus);
        await using var late = await host.ConnectAsync();
        Assert.Equal(3, Messages.TextOf(await late.JoinAsync("doc")).Length);
    }

    [Fact]
    public async Task BroadcastStatelessFromAClientClosesThatDocumentConnection()
    {
        await using var host = await SyncServerHost.StartAsync();
        await using var client = await host.ConnectAsync();
        await client.JoinAsync("doc");

        var frame = Messages.Stateless("doc", "x");
        frame[4] = (byte)MessageType.BroadcastStateless;
        await client.SendAsync(frame);

        Assert.Equal("Reset Connection", (await client.WaitForAsync(MessageType.Close)).ReadStateless());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ASlowReaderIsDisconnectedWithoutHoldingBackOthers(bool directSocketWrites)
    {
        // one broadcast per update (no batching window), so that the stalled client's queue fills up by message count;
        // with direct socket writes the stalled socket's remainder is one pending asynchronous send
        await using var host = await SyncServerHost.StartAsync(new Dictionary<string, string?>
        {
            ["MaxSendQueueMessages"] = "50",
            ["FlushDelay"] = "00:00:00",
            ["DirectSocketWrites"] = directSocketWrites ? "true" : "false",
        });
        await using var writer = await host.ConnectAsync();
        await using var reader = await host.ConnectAsync();
        await writer.JoinAsync("doc");
        await reader.JoinAsync("doc");
        await using var stalled = await StalledClient.JoinAsync(host, "doc");
        await Eventually.TrueAsync(() => host.Server.Documents.Find("doc")?.ConnectionCount == 3, "the stalled client joined");

        var big = new string('x', 64 * 1024);
        for (var i = 0; i < 200 && host.Server.Documents.Find("doc")?.ConnectionCount == 3; i++)
        {
            await writer.SendAsync(Messages.Update("doc", Messages.TextInsert(big, 100 + i)));
            await Task.Delay(2, TestContext.Current.CancellationToken);
        }

        await Eventually.TrueAsync(() => host.Server.Documents.Find("doc")?.ConnectionCount == 2, "the stalled client is dropped");
        await writer.SendAsync(Messages.Stateless("doc", "n"));
        await writer.SendAsync(Messages.Update("doc", Messages.TextInsert("end", 7)));
        await reader.WaitForAsync(m => m.Type == MessageType.Sync && Messages.TextOf(m.ReadSync().Payload).Contains("end", StringComparison.Ordinal), TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task StoppingTheServerSendsEveryDocumentConnectionACloseAndThenClosesTheSocketWithGoingAway()
    {
        var host = await SyncServerHost.StartAsync();
        await using var client = await host.ConnectAsync();
        await client.JoinAsync("a");
        await client.JoinAsync("b");

        await host.DisposeAsync();

        var closes = await client.WaitForAllAsync(m => m.Address == "a" && m.Type == MessageType.Close, m => m.Address == "b" && m.Type == MessageType.Close);
        Assert.Equal([0x01, 0x61, 0x07, 0x10, .. "Reset Connection"u8], closes[0].Frame);
        Assert.Equal("Reset Connection", closes[1].ReadStateless());
        Assert.Equal(CloseCodes.GoingAway, await client.WaitForCloseAsync());
    }
}
