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

    public static TheoryData<string> Attacks => ["huge-headers", "pending-flood", "message-flood", "log-spam", "many-sockets", "fuzz"];

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

    /// <summary>
    /// Random and half-valid frames from 8 sockets (COLLAB_HOSTILE_FUZZ_FRAMES, default 2,000; COLLAB_HOSTILE_FUZZ_SEED):
    /// random bytes, envelopes with unknown types, truncated varints, sync and awareness messages whose payload is noise
    /// or a mutated real update. A socket the server closes is replaced. Afterwards the fuzzed document must still
    /// load for a new client, as a valid Yjs state.
    /// </summary>
    private static async Task FuzzAsync(SyncServerHost host, CancellationToken ct)
    {
        var frames = int.TryParse(Environment.GetEnvironmentVariable("COLLAB_HOSTILE_FUZZ_FRAMES"), out var f) && f > 0 ? f : 2000;
        var seed = int.TryParse(Environment.GetEnvironmentVariable("COLLAB_HOSTILE_FUZZ_SEED"), out var s) ? s : 20261206;
        var random = new Random(seed);
        var real = Messages.TextInsert("a real update to mutate", 77);
        var sockets = new ProtocolClient?[8];
        // one valid edit first, by a client that stays (this host stores nothing: the document lives while it has
        // connections): the noise after it must not damage it
        await using var first = await host.ConnectAsync();
        await first.JoinAsync("fuzz");
        await first.SendAsync(Messages.Update("fuzz", real));
        await first.RoundTripAsync("fuzz");

        try
        {
            for (var n = 0; n < frames; n++)
            {
                var slot = random.Next(sockets.Length);
                if (sockets[slot] is null || sockets[slot]!.CloseStatus is not null)
                {
                    if (sockets[slot] is { } closed)
                    {
                        await closed.DisposeAsync();
                    }

                    sockets[slot] = await host.ConnectAsync();
                    await sockets[slot]!.JoinAsync("fuzz");
                }

                try
                {
                    await sockets[slot]!.SendAsync(FuzzFrame(random, real));
                }
                catch (Exception e) when (e is System.Net.WebSockets.WebSocketException or IOException or ObjectDisposedException or TimeoutException or OperationCanceledException)
                {
                    // closed by the server while sending: replaced on its next turn
                    await sockets[slot]!.DisposeAsync();
                    sockets[slot] = null;
                }
            }
        }
        finally
        {
            foreach (var socket in sockets)
            {
                if (socket is not null)
                {
                    await socket.DisposeAsync();
                }
            }
        }

        await using var late = await host.ConnectAsync();
        var state = await late.JoinAsync("fuzz");
        var doc = new Doc();
        doc.ApplyUpdate(state);
        Assert.Contains("a real update to mutate", doc.GetText("t").ToString(), StringComparison.Ordinal);
        TestContext.Current.TestOutputHelper?.WriteLine($"fuzz: seed {seed}, {frames} frames; the fuzzed document loads ({state.Length} bytes)");
    }

    private static byte[] FuzzFrame(Random random, byte[] real)
    {
        byte[] Noise(int max)
        {
            var bytes = new byte[random.Next(max)];
            random.NextBytes(bytes);
            return bytes;
        }

        byte[] Mutated()
        {
            var copy = (byte[])real.Clone();
            for (var i = random.Next(1, 4); i > 0; i--)
            {
                copy[random.Next(copy.Length)] = (byte)random.Next(256);
            }

            return random.Next(4) == 0 ? copy[..random.Next(copy.Length)] : copy;
        }

        return random.Next(7) switch
        {
            0 => Noise(64),
            1 => [.. System.Text.Encoding.UTF8.GetBytes("\u0004fuzz"), .. Noise(16)],
            2 => [4, .. "fuzz"u8, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF],
            3 => Messages.Update("fuzz", Noise(200)),
            4 => Messages.Update("fuzz", Mutated()),
            5 => Messages.Awareness("fuzz", Noise(100)),
            _ => [.. Messages.Bare("fuzz", (MessageType)random.Next(0, 20)), .. Noise(32)],
        };
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
                    foreach (var update in PendingUpdateTests.Unresolvable(4000, 500))
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
            case "fuzz":
                await FuzzAsync(host, ct);
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
