using System.Buffers;
using System.IO.Pipelines;
using Collab.SyncServer.Connections;
using Collab.SyncServer.Connections.WebSockets;

namespace Collab.Tests.SyncServer.Protocol;

/// <summary>SocketSender on in-memory pipes: repeated messages, order, and the queue limits.</summary>
public sealed class SocketSenderTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task AMessageSentSeveralTimesArrivesThatOftenInOrderWithTheOthers()
    {
        var output = new Pipe();
        var socket = new FrameSocket(new Pipe().Reader, output.Writer, () => { }, 1 << 20);
        var sender = new SocketSender(socket, maxBytes: 1 << 20, maxMessages: 100, onOverflow: () => Assert.Fail("no overflow expected"));

        Assert.True(sender.TrySend([1]));
        Assert.True(sender.TrySend([2, 2], 3));
        Assert.True(sender.TrySend([3], 0));
        Assert.True(sender.TrySend([4]));

        var payloads = await ReadFramesAsync(output.Reader, 5);
        Assert.Equal([[1], [2, 2], [2, 2], [2, 2], [4]], payloads);
    }

    [Fact]
    public async Task RepeatedMessagesCountAgainstTheQueueLimitWhileAWriteIsInFlight()
    {
        // a client that reads nothing: the first write stays in flight, everything else queues
        var output = new Pipe(new PipeOptions(pauseWriterThreshold: 1, resumeWriterThreshold: 1));
        var socket = new FrameSocket(new Pipe().Reader, output.Writer, () => { }, 1 << 20);
        var overflows = 0;
        var sender = new SocketSender(socket, maxBytes: 1 << 20, maxMessages: 3, onOverflow: () => overflows++);

        Assert.True(sender.TrySend([1]));
        Assert.True(sender.TrySend([2], 3));
        Assert.Equal(0, overflows);
        Assert.False(sender.TrySend([3], 1));
        Assert.Equal(1, overflows);
        Assert.False(sender.TrySend([4]));

        // what was accepted before the overflow is not sent any more: only the frame already written arrives
        var payloads = await ReadFramesAsync(output.Reader, 1);
        Assert.Equal([[1]], payloads);
    }

    /// <summary>Reads <paramref name="count"/> unmasked server frames with payloads below 126 bytes.</summary>
    private static async Task<List<byte[]>> ReadFramesAsync(PipeReader reader, int count)
    {
        var payloads = new List<byte[]>();
        while (payloads.Count < count)
        {
            var result = await reader.ReadAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(Patience, TestContext.Current.CancellationToken);
            var bytes = result.Buffer.ToArray();
            var offset = 0;
            while (payloads.Count < count && offset + 2 <= bytes.Length && offset + 2 + (bytes[offset + 1] & 0x7F) <= bytes.Length)
            {
                Assert.Equal(0x82, bytes[offset]);
                var length = bytes[offset + 1] & 0x7F;
                payloads.Add(bytes[(offset + 2)..(offset + 2 + length)]);
                offset += 2 + length;
            }

            reader.AdvanceTo(result.Buffer.GetPosition(offset), result.Buffer.End);
        }

        return payloads;
    }
}
