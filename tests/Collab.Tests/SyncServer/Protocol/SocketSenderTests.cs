using System.Buffers;
using System.IO.Pipelines;
using Collab.SyncServer.Connections;
using Collab.SyncServer.Connections.WebSockets;
using Collab.SyncServer.Documents;

namespace Collab.Tests.SyncServer.Protocol;

/// <summary>SocketSender on in-memory pipes: repeated messages, order, and the queue limits.</summary>
public sealed class SocketSenderTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private static readonly Action NoOverflow = () => Assert.Fail("no overflow expected");

    /// <summary>A sender writing frames into <paramref name="output"/>: <paramref name="into"/>, or a fresh pipe.</summary>
    private static SocketSender NewSender(out Pipe output, int maxMessages = 100, Action? onOverflow = null, BroadcastFlusher? echoes = null, Pipe? into = null)
    {
        output = into ?? new Pipe();
        var socket = new FrameSocket(new Pipe().Reader, output.Writer, () => { }, 1 << 20);
        return new SocketSender(socket, maxBytes: 1 << 20, maxMessages, onOverflow ?? NoOverflow, echoes);
    }

    [Fact]
    public async Task AMessageSentSeveralTimesArrivesThatOftenInOrderWithTheOthers()
    {
        var sender = NewSender(out var output);

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
        var overflows = 0;
        var sender = NewSender(out var output, maxMessages: 3, onOverflow: () => overflows++, into: new Pipe(new PipeOptions(pauseWriterThreshold: 1, resumeWriterThreshold: 1)));

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

    [Fact]
    public async Task ADeferredMessageLeavesFirstWithTheNextMessageInOneWrite()
    {
        using var flusher = new BroadcastFlusher(TimeSpan.FromMilliseconds(20), echoDelay: TimeSpan.FromMinutes(10));
        var sender = NewSender(out var output, echoes: flusher);

        Assert.True(sender.TryDefer([1]));
        Assert.True(sender.TryDefer([2]));
        Assert.False(output.Reader.TryRead(out _), "a deferred message has no send of its own");

        Assert.True(sender.TrySend([3]));
        Assert.True(output.Reader.TryRead(out var written), "the next message flushes");
        var bytes = written.Buffer.ToArray();
        output.Reader.AdvanceTo(written.Buffer.Start);
        Assert.Equal(new byte[] { 0x82, 1, 1, 0x82, 1, 2, 0x82, 1, 3 }, bytes);
        Assert.Equal([[1], [2], [3]], await ReadFramesAsync(output.Reader, 3));
    }

    [Fact]
    public async Task ADeferredMessageWithNothingToTakeItAlongLeavesAfterTheEchoDelay()
    {
        using var flusher = new BroadcastFlusher(TimeSpan.FromMilliseconds(20), echoDelay: TimeSpan.FromMilliseconds(200));
        var sender = NewSender(out var output, echoes: flusher);

        var deferredAt = System.Diagnostics.Stopwatch.StartNew();
        Assert.True(sender.TryDefer([7]));
        Assert.Equal([[7]], await ReadFramesAsync(output.Reader, 1));
        Assert.True(deferredAt.Elapsed >= TimeSpan.FromMilliseconds(190), $"left after {deferredAt.Elapsed.TotalMilliseconds} ms");

        // and again: the flusher's registration was consumed, a new deferral registers anew
        Assert.True(sender.TryDefer([8]));
        Assert.Equal([[8]], await ReadFramesAsync(output.Reader, 1));
    }

    [Fact]
    public async Task WithoutAnEchoFlusherADeferredMessageLeavesAtOnce()
    {
        var sender = NewSender(out var output);

        Assert.True(sender.TryDefer([5]));
        Assert.True(output.Reader.TryRead(out var written));
        output.Reader.AdvanceTo(written.Buffer.Start);
        Assert.Equal([[5]], await ReadFramesAsync(output.Reader, 1));
    }

    [Fact]
    public async Task DeferredMessagesCountAgainstTheQueueLimitsAndACloseSendsThemFirst()
    {
        using var flusher = new BroadcastFlusher(TimeSpan.FromMilliseconds(20), echoDelay: TimeSpan.FromMinutes(10));
        var overflows = 0;
        var sender = NewSender(out var output, maxMessages: 2, onOverflow: () => overflows++, echoes: flusher);

        Assert.True(sender.TryDefer([1]));
        Assert.True(sender.TryDefer([2]));
        sender.Close(1000, "bye", discardQueued: false);
        await sender.Completion.WaitAsync(Patience, TestContext.Current.CancellationToken);
        var frames = await ReadFramesAsync(output.Reader, 2);
        Assert.Equal([[1], [2]], frames);
        Assert.Equal(0, overflows);

        var limited = NewSender(out _, maxMessages: 2, onOverflow: () => overflows++, echoes: flusher);
        Assert.True(limited.TryDefer([1]));
        Assert.True(limited.TryDefer([2]));
        Assert.False(limited.TryDefer([3]));
        Assert.Equal(1, overflows);
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
