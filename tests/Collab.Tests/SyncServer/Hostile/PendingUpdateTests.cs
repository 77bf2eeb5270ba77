using Collab.SyncServer.Hooks;
using Collab.Tests.SyncServer.Support;
using Collab.Yjs;

namespace Collab.Tests.SyncServer.Hostile;

/// <summary>
/// Updates that wait for changes that never come (pending structs), sent by one client: they cost the server time linear
/// in their size, the document holds a bounded amount of them, and honest clients of other documents do not notice.
/// The honest pair's latency is the measurement: these run alone (on 2 cores, other tests in parallel are the noise).
/// </summary>
[Collection(Collab.Tests.Support.SerialCollection.Name)]
public sealed class PendingUpdateTests
{
    /// <summary>Updates 2..count+1 of one client's typing, each waiting for the first (never sent).</summary>
    internal static IEnumerable<byte[]> Unresolvable(int count, int length)
    {
        var doc = new Doc(new DocOptions { ClientId = 666 });
        var updates = new List<byte[]>();
        doc.Update += (_, e) => updates.Add(e.Update);
        for (var i = 0; i <= count; i++)
        {
            doc.GetText("t").Insert(0, new string('x', length));
        }

        return updates.Skip(1);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task FourThousandUnresolvableUpdatesNeitherStallTheServerNorDelayAnHonestPair(bool directTransport)
    {
        // a limit above the attack: this measures the cost of holding them (it held the engine thread 73 s before);
        // on Collab's own transport and on Kestrel's (DirectTransport = false)
        await using var host = await SyncServerHost.StartAsync(new Dictionary<string, string?>
        {
            ["MaxPendingBytes"] = (64 << 20).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["DirectTransport"] = directTransport ? "true" : "false",
        });
        await using var pair = await HonestPair.StartAsync(host);
        await using var attacker = await host.ConnectAsync();
        await attacker.JoinAsync("attack");
        await attacker.JoinAsync("probe");

        foreach (var update in Unresolvable(4000, 500))
        {
            await attacker.SendAsync(Messages.Update("attack", update));
        }

        // the socket's frames are handled in order: the answer for "probe" comes after all of the attack's (a SyncStep1
        // for "attack" itself would be answered with its pending updates: a cost in proportion to MaxPendingBytes)
        await attacker.RoundTripAsync("probe");
        await Task.Delay(HonestPair.Interval * 4, TestContext.Current.CancellationToken);
        var (p99, max, count) = await pair.StopAsync();

        TestContext.Current.TestOutputHelper?.WriteLine($"honest pair during the attack: p99 {p99:0.0} ms, max {max:0.0} ms, {count} deliveries: {pair.Describe()}");
        Assert.True(p99 < 250, $"honest pair p99 {p99:0.0} ms (max {max:0.0} ms, {count} deliveries: {pair.Describe()})");
    }

    [Fact]
    public async Task AClientWhoseUpdatesExceedTheDocumentsPendingLimitIsClosedWith1008AndTheDocumentStaysUsable()
    {
        await using var host = await SyncServerHost.StartAsync(new Dictionary<string, string?> { ["MaxPendingBytes"] = "65536" });
        await using var pair = await HonestPair.StartAsync(host);
        await using var attacker = await host.ConnectAsync();
        await attacker.JoinAsync("attack");
        await using var bystander = await host.ConnectAsync();
        await bystander.JoinAsync("attack");

        foreach (var update in Unresolvable(200, 1000))
        {
            try
            {
                await attacker.SendAsync(Messages.Update("attack", update));
            }
            catch (Exception e) when (e is System.Net.WebSockets.WebSocketException or IOException or ObjectDisposedException)
            {
                break; // closed by the server
            }
        }

        Assert.Equal(CloseCodes.PolicyViolation, await attacker.WaitForCloseAsync());
        Assert.Equal("Too Many Pending Updates", attacker.CloseDescription);

        // the document still works for everyone else
        await bystander.SendAsync(Messages.Update("attack", Messages.TextInsert("still fine", 7)));
        await using var late = await host.ConnectAsync();
        var state = await late.JoinAsync("attack");
        Assert.Equal("still fine", Messages.TextOf(state));
        var (p99, _, _) = await pair.StopAsync();
        Assert.True(p99 < 250, $"honest pair p99 {p99:0.0} ms");
    }
}
