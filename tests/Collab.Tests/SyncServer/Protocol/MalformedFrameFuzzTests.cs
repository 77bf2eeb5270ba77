using Collab.SyncServer.Hooks;
using Collab.SyncServer.Protocol;
using Collab.Tests.SyncServer.Support;
using Collab.Yjs.Lib0;

namespace Collab.Tests.SyncServer.Protocol;

public sealed class MalformedFrameFuzzTests
{
    private static readonly int[] DocumentedCodes =
        [CloseCodes.InvalidPayload, CloseCodes.Unauthorized, CloseCodes.ResetConnection, CloseCodes.MessageTooBig, CloseCodes.UnsupportedData];

    private static byte[] Envelope(string address, ulong type, params byte[][] parts)
    {
        var e = new Lib0Encoder();
        e.WriteVarString(address);
        e.WriteVarUInt(type);
        foreach (var part in parts)
        {
            e.WriteBytes(part);
        }

        return e.ToArray();
    }

    private static byte[] VarUInt(ulong value)
    {
        var e = new Lib0Encoder();
        e.WriteVarUInt(value);
        return e.ToArray();
    }

    /// <summary>Malformed frames of every kind; <c>established</c> frames are sent after authenticating "fuzz".</summary>
    private static IEnumerable<(string Kind, byte[] Frame, bool Established)> Cases(Random random)
    {
        yield return ("truncated address varint", [0xff], false);
        yield return ("truncated address", [0x05, 0x61, 0x62], false);
        yield return ("huge address length", [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f], false);
        yield return ("address varint out of range", [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01], false);
        yield return ("invalid UTF-8 address", [0x02, 0xc3, 0x28, 0x00], false);
        yield return ("missing type", [0x03, 0x64, 0x6f, 0x63], false);
        yield return ("truncated auth", Envelope("fuzz", 2, [0x00, 0x09, 0x61]), false);
        yield return ("auth with huge token length", Envelope("fuzz", 2, [0x00], VarUInt(1UL << 40)), false);
        yield return ("truncated sync type", Envelope("fuzz", 0, [0x80]), true);
        yield return ("unknown sync type", Envelope("fuzz", 0, [0x07, 0x00]), true);
        yield return ("sync payload longer than frame", Envelope("fuzz", 0, [0x02], VarUInt(1UL << 30)), true);
        yield return ("invalid update", Envelope("fuzz", 0, [0x02, 0x04, 0x01, 0x05, 0xff, 0xff]), true);
        yield return ("invalid sync step 2", Envelope("fuzz", 0, [0x01, 0x03, 0x09, 0x09, 0x09]), true);
        yield return ("invalid state vector", Envelope("fuzz", 0, [0x00, 0x02, 0x05, 0x01]), true);
        yield return ("truncated awareness", Envelope("fuzz", 1, [0x05, 0x01]), true);
        yield return ("awareness with bad JSON", Envelope("fuzz", 1, [0x06, 0x01, 0x01, 0x01, 0x02, 0x7b, 0x7b]), true);
        yield return ("awareness count beyond input", Envelope("fuzz", 1, [0x03, 0xff, 0xff, 0x03]), true);
        yield return ("truncated stateless", Envelope("fuzz", 5, [0x09, 0x61]), true);
        yield return ("unknown message type", Envelope("fuzz", 0x7f), true);
        yield return ("huge message type", Envelope("fuzz", 1UL << 50), true);
        yield return ("sync status from client", Envelope("fuzz", 8, [0x01]), true);
        yield return ("ping from client", Envelope("fuzz", 9), true);
        for (var i = 0; i < 60; i++)
        {
            var body = new byte[random.Next(0, 40)];
            random.NextBytes(body);
            yield return ($"random sync body {i}", Envelope("fuzz", 0, body), true);
            random.NextBytes(body);
            yield return ($"random awareness body {i}", Envelope("fuzz", 1, body), true);
            var noise = new byte[random.Next(1, 30)];
            random.NextBytes(noise);
            yield return ($"random frame {i}", noise, random.Next(2) == 0);
        }
    }

    [Fact]
    public async Task MalformedFramesCloseOnlyTheirSocketWithADocumentedCode()
    {
        await using var host = await SyncServerHost.StartAsync(new Dictionary<string, string?> { ["MaxMessageBytes"] = "65536" });
        await using var witness = await host.ConnectAsync();
        await witness.JoinAsync("doc");
        await witness.SendAsync(Messages.Update("doc", Messages.TextInsert("intact")));
        await witness.WaitForAsync(MessageType.SyncStatus);
        var failures = new List<string>();

        foreach (var batch in Cases(new Random(1234)).Chunk(16))
        {
            await Task.WhenAll(batch.Select(async c =>
            {
                await using var client = await host.ConnectAsync();
                if (c.Established)
                {
                    await client.JoinAsync("fuzz");
                }

                await client.SendAsync(c.Frame);
                try
                {
                    await client.SendAsync(Messages.Auth("probe", ""));
                }
                catch (System.Net.WebSockets.WebSocketException)
                {
                    // the server already closed the socket because of the malformed frame
                }

                var close = client.WaitForCloseAsync(TimeSpan.FromSeconds(15));
                var answered = client.WaitForAsync(m => m.Address == "probe" && m.Type == MessageType.Auth, TimeSpan.FromSeconds(15));
                await Task.WhenAny(close, answered);
                if (answered.IsCompletedSuccessfully && !close.IsCompleted)
                {
                    return;
                }

                // Not answered: the socket must close with a documented code. When the server closes, the client's
                // read loop ends and fails the pending `answered` a moment before `close` completes, so wait for it.
                int? code = null;
                try
                {
                    code = await close;
                }
                catch (TimeoutException)
                {
                }

                var failure = code switch
                {
                    null => $"{c.Kind}: neither closed nor answered",
                    var closedWith when !DocumentedCodes.Contains(closedWith.Value) => $"{c.Kind}: closed with {closedWith}",
                    _ => null,
                };
                if (failure is not null)
                {
                    lock (failures)
                    {
                        failures.Add(failure);
                    }
                }
            }));
        }

        Assert.Empty(failures);
        await witness.SendAsync(Messages.Update("doc", Messages.TextInsert("!", 2)));
        await witness.WaitForAsync(MessageType.SyncStatus);
        await using var late = await host.ConnectAsync();
        Assert.Equal(7, Messages.TextOf(await late.JoinAsync("doc")).Length);
    }

    [Fact]
    public async Task EachKindOfMalformedFrameMapsToItsCloseCode()
    {
        await using var host = await SyncServerHost.StartAsync();
        var expected = new (byte[] Frame, bool Established, int Code)[]
        {
            ([0xff], false, CloseCodes.Unauthorized),
            (Envelope("fuzz", 2, [0x00, 0x09]), false, CloseCodes.ResetConnection),
            (Envelope("fuzz", 0, [0x02, 0x04, 0x01, 0x05, 0xff, 0xff]), true, CloseCodes.InvalidPayload),
            (Envelope("fuzz", 1, [0x05, 0x01]), true, CloseCodes.InvalidPayload),
        };

        foreach (var (frame, established, code) in expected)
        {
            await using var client = await host.ConnectAsync();
            if (established)
            {
                await client.JoinAsync("fuzz");
            }

            await client.SendAsync(frame);
            Assert.Equal(code, await client.WaitForCloseAsync());
        }
    }
}
