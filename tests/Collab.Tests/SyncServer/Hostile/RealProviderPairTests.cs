using System.Text.Json;
using Collab.SyncServer.Protocol;
using Collab.Tests.Support;
using Collab.Tests.SyncServer.Support;
using Collab.Yjs;

namespace Collab.Tests.SyncServer.Hostile;

/// <summary>
/// The adversarial cases against a real pair of <c>@hocuspocus/provider</c> clients (tests/js/hostile/honest-pair.mjs)
/// editing throughout: each attack runs while they take turns inserting, and their p99 latency must stay under
/// 250 ms and their documents must converge. Run alone: the pair's latency is the measurement.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class RealProviderPairTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    public static TheoryData<string> Attacks => ["huge-headers", "pending-flood", "message-flood", "log-spam", "many-sockets"];

    [Theory]
    [MemberData(nameof(Attacks))]
    public async Task AnHonestPairOfRealProvidersIsNotDisturbedByTheAttack(string attack)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await SyncServerHost.StartAsync();
        // the soak mode: COLLAB_HOSTILE_ROUNDS repeats the attack, the pair edits for 6 s per round
        var rounds = int.TryParse(Environment.GetEnvironmentVariable("COLLAB_HOSTILE_ROUNDS"), out var r) && r > 0 ? r : 1;
        using var pair = NodeScript.Start(
            "hostile/honest-pair.mjs", "--url", host.HocuspocusUri.ToString(), "--seconds", (6 * rounds).ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--timeout", (120_000 * rounds).ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(Patience * rounds);
        while (await pair.Output.ReadLineAsync(deadline.Token) is { } line && !line.Contains("\"phase\":\"ready\"", StringComparison.Ordinal))
        {
            Assert.DoesNotContain("\"ok\":false", line, StringComparison.Ordinal);
        }

        // the process's managed heap while the attack runs (server and clients share this process; the tests run alone)
        var baseline = GC.GetTotalMemory(false);
        var peak = baseline;
        using var stopSampling = new CancellationTokenSource();
        var sampling = Task.Run(async () =>
        {
            while (!stopSampling.IsCancellationRequested)
            {
                peak = Math.Max(peak, GC.GetTotalMemory(false));
                await Task.Delay(20, CancellationToken.None);
            }
        }, CancellationToken.None);
        for (var round = 0; round < rounds; round++)
        {
            await AttackAsync(host, attack, ct);
        }

        await stopSampling.CancelAsync();
        await sampling;
        var grown = (peak - baseline) / 1048576.0;

        string? result = null;
        while (await pair.Output.ReadLineAsync(deadline.Token) is { } line)
        {
            result = line;
        }

        await pair.WaitForExitAsync(deadline.Token);
        using var json = JsonDocument.Parse(result!);
        var root = json.RootElement;
        Assert.True(root.GetProperty("ok").GetBoolean(), result);
        var p99 = root.GetProperty("p99").GetDouble();
        TestContext.Current.TestOutputHelper?.WriteLine($"{attack}: managed heap grew {grown:0.0} MiB at most; honest pair {result}");
        Assert.True(p99 < 250, $"{attack}: honest pair p99 {p99:0.0} ms ({result})");
        Assert.True(grown < 256, $"{attack}: the managed heap grew {grown:0.0} MiB during the attack");
    }

    private static async Task AttackAsync(SyncServerHost host, string attack, CancellationToken ct)
    {
        switch (attack)
        {
            case "huge-headers":
                // 50 unauthenticated sockets announcing 60 MiB messages and sending a few bytes of them
                var sockets = new List<RawWebSocket>();
                for (var i = 0; i < 50; i++)
                {
                    var socket = await RawWebSocket.OpenAsync(host);
                    sockets.Add(socket);
                    await socket.SendAsync([0x82, 0xFF, 0, 0, 0, 0, 0x03, 0xC0, 0, 0, 0, 0, 0, 0, .. new byte[64]]);
                }

                await Task.Delay(1000, ct);
                foreach (var socket in sockets)
                {
                    await socket.DisposeAsync();
                }

                break;
            case "pending-flood":
                // 4,000 updates that wait for one never sent (the document's limit closes the attacker first)
                await using (var attacker = await host.ConnectAsync())
                {
                    await attacker.JoinAsync("attack");
                    var doc = new Doc(new DocOptions { ClientId = 666 });
                    var updates = new List<byte[]>();
                    doc.Update += (_, e) => updates.Add(e.Update);
                    for (var i = 0; i <= 4000; i++)
                    {
                        doc.GetText("t").Insert(0, new string('x', 500));
                    }

                    foreach (var update in updates.Skip(1))
                    {
                        try
                        {
                            await attacker.SendAsync(Messages.Update("attack", update));
                        }
                        catch (Exception e) when (e is System.Net.WebSockets.WebSocketException or IOException or ObjectDisposedException or TimeoutException)
                        {
                            break;
                        }
                    }

                    await attacker.WaitForCloseAsync(TimeSpan.FromSeconds(30));
                }

                break;
            case "message-flood":
                // one socket sending 5,000 messages as fast as it can (slowed to its rate budget)
                await using (var flooder = await host.ConnectAsync())
                {
                    await flooder.JoinAsync("flood");
                    for (var i = 0; i < 5000; i++)
                    {
                        await flooder.SendAsync(Messages.Stateless("flood", "x"));
                    }
                }

                break;
            case "log-spam":
                // unknown messages, and authentications of names of a megabyte with line breaks and escapes
                await using (var spammer = await host.ConnectAsync())
                {
                    await spammer.JoinAsync("spam");
                    for (var i = 0; i < 500; i++)
                    {
                        await spammer.SendAsync(Messages.Bare("spam", (MessageType)99));
                    }

                    var name = "x\r\n\u001b[2J" + new string('y', 900_000);
                    for (var i = 0; i < 5; i++)
                    {
                        await spammer.SendAsync(Messages.Auth(name + i, ""));
                    }

                    await spammer.RoundTripAsync("spam");
                }

                Assert.True(host.App.Log.Text.Length < 2_000_000, $"the log grew to {host.App.Log.Text.Length} characters");
                break;
            default:
                // 300 sockets that open and never authenticate
                var idle = new List<RawWebSocket>();
                for (var i = 0; i < 300; i++)
                {
                    idle.Add(await RawWebSocket.OpenAsync(host));
                }

                await Task.Delay(1000, ct);
                foreach (var socket in idle)
                {
                    await socket.DisposeAsync();
                }

                break;
        }
    }
}
