using System.Buffers;
using System.IO.Pipelines;
using Collab.SyncServer.Connections;
using Collab.SyncServer.Connections.WebSockets;
using Collab.SyncServer.Hooks;
using Microsoft.Extensions.DependencyInjection;
using Collab.Tests.SyncServer.Support;

namespace Collab.Tests.SyncServer.Hostile;

/// <summary>
/// Memory a client can make the server hold with frames it never finishes: buffers grow with the bytes that arrive,
/// never from an announced length; unauthenticated sockets get a small message limit; all partial messages together
/// are bounded by a budget.
/// </summary>
public sealed class MessageMemoryTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    /// <summary>A masked binary frame header announcing <paramref name="length"/> bytes (the payload is sent separately, masked with 0).</summary>
    private static byte[] Header(long length) =>
    [
        0x82, 0x80 | 127,
        (byte)(length >> 56), (byte)(length >> 48), (byte)(length >> 40), (byte)(length >> 32),
        (byte)(length >> 24), (byte)(length >> 16), (byte)(length >> 8), (byte)length,
        0, 0, 0, 0,
    ];

    private static (FrameSocket Socket, PipeWriter Input) Socket(MessageBufferBudget budget, int maxMessageBytes = 64 << 20)
    {
        var input = new Pipe(new PipeOptions(pauseWriterThreshold: 0, useSynchronizationContext: false));
        var output = new Pipe();
        return (new FrameSocket(input.Reader, output.Writer, () => { }, maxMessageBytes, budget), input.Writer);
    }

    /// <summary>Writes <paramref name="bytes"/> and parses what is there on this thread; returns the thread's allocations.</summary>
    private static long Feed(FrameSocket socket, PipeWriter input, byte[] bytes, out bool found, out InboundFrame frame)
    {
        input.Write(bytes);
        Assert.True(input.FlushAsync().IsCompletedSuccessfully);
        var before = GC.GetAllocatedBytesForCurrentThread();
        found = socket.TryReceive(out frame);
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Fact]
    public void AHeaderAnnouncingAHugeMessageCostsNothingUntilItsBytesArrive()
    {
        var budget = new MessageBufferBudget(0);
        var (socket, input) = Socket(budget);

        // 60 MiB announced, 100 bytes sent: before, the whole 60 MiB were allocated at the header
        var allocated = Feed(socket, input, [.. Header(60 << 20), .. new byte[100]], out var found, out _);

        Assert.False(found);
        Assert.InRange(allocated, 0, 64 * 1024);
        Assert.InRange(budget.Held, 1, 4096);

        // what arrives is held (doubling), and the complete message is handed on and given back to the budget
        allocated = Feed(socket, input, new byte[1 << 20], out found, out _);
        Assert.False(found);
        Assert.InRange(allocated, 1 << 20, 4 << 20);
        Assert.InRange(budget.Held, 1 << 20, 4 << 20);
        socket.ReleaseBuffers();
        Assert.Equal(0, budget.Held);
    }

    [Fact]
    public void AMessageThatArrivesWholeGetsItsExactSizeAndLeavesTheBudgetEmpty()
    {
        var budget = new MessageBufferBudget(0);
        var (socket, input) = Socket(budget);
        var payload = Enumerable.Range(0, 70_000).Select(i => (byte)i).ToArray();

        Feed(socket, input, [.. Header(payload.Length), .. payload], out var found, out var frame);

        Assert.True(found);
        Assert.Equal(FrameKind.Binary, frame.Kind);
        Assert.Equal(payload, frame.Payload);
        Assert.Equal(0, budget.Held);
    }

    [Fact]
    public void AMessageThatWouldExceedTheServerWideBudgetIsRefusedAndGivesItsBytesBack()
    {
        var budget = new MessageBufferBudget(1 << 20);
        var (first, firstInput) = Socket(budget);
        var (second, secondInput) = Socket(budget);

        Feed(first, firstInput, [.. Header(900_000), .. new byte[700_000]], out var found, out _);
        Assert.False(found);
        Feed(second, secondInput, [.. Header(900_000), .. new byte[700_000]], out found, out var frame);

        Assert.True(found);
        Assert.Equal(FrameKind.Overloaded, frame.Kind);
        Assert.InRange(budget.Held, 700_000, 1 << 20);

        // the refused message is skipped to its end; the first one completes
        Feed(second, secondInput, new byte[200_000], out found, out _);
        Assert.False(found);
        Feed(first, firstInput, new byte[200_000], out found, out frame);
        Assert.True(found);
        Assert.Equal(900_000, frame.Payload.Length);
        Assert.Equal(0, budget.Held);
    }

    [Theory]
    [InlineData("true", "true")]
    [InlineData("false", "true")]
    [InlineData("false", "false")]
    public async Task AnUnauthenticatedSocketMayOnlySendSmallMessagesAndAnAuthenticatedOneTheFullSize(string directTransport, string directWebSockets)
    {
        // Collab's own transport, Kestrel's with the direct upgrade, and Kestrel's through the ASP.NET Core pipeline
        await using var host = await SyncServerHost.StartAsync(new Dictionary<string, string?>
        {
            ["MaxUnauthenticatedMessageBytes"] = "65536",
            ["DirectTransport"] = directTransport,
            ["DirectWebSockets"] = directWebSockets,
        });

        await using (var anonymous = await RawWebSocket.OpenAsync(host))
        {
            await anonymous.SendAsync(Header(1 << 20));
            Assert.Equal(CloseCodes.MessageTooBig, await anonymous.WaitForCloseAsync());
        }

        await using var client = await RawWebSocket.OpenAsync(host);
        await client.AuthenticateAsync("doc");
        await client.SendMessageAsync(Messages.Stateless("doc", new string('x', 1 << 20)));
        await client.PingPongAsync();
        Assert.Equal(0, host.App.Services.GetRequiredService<ConnectionServices>().MessageBuffers.Held);
    }

    [Fact]
    public async Task ManySocketsAnnouncingLargeMessagesHoldOnlyWhatArrivedAndGiveItBackWhenTheyGo()
    {
        await using var host = await SyncServerHost.StartAsync();
        var buffers = host.App.Services.GetRequiredService<ConnectionServices>().MessageBuffers;
        var sockets = new List<RawWebSocket>();
        try
        {
            for (var i = 0; i < 20; i++)
            {
                var socket = await RawWebSocket.OpenAsync(host);
                sockets.Add(socket);
                await socket.SendAsync([.. Header(900_000), .. new byte[1000]]);
            }

            // 20 × 900 kB announced; what is held is what arrived, rounded up to the first buffer
            var deadline = DateTime.UtcNow + Patience;
            while (buffers.Held < 20 * 1000 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20, TestContext.Current.CancellationToken);
            }

            Assert.InRange(buffers.Held, 20 * 1000, 20 * 4096);
        }
        finally
        {
            foreach (var socket in sockets)
            {
                await socket.DisposeAsync();
            }
        }

        var released = DateTime.UtcNow + Patience;
        while (buffers.Held != 0)
        {
            Assert.True(DateTime.UtcNow < released, $"{buffers.Held} bytes still held after the sockets closed");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }
}
