using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using Collab.SyncServer.Connections.WebSockets;

namespace Collab.Tests.SyncServer.Protocol;

/// <summary>
/// Flushes of <see cref="DirectSocketWriter"/>s gathered by a <see cref="SendBatch"/> (io_uring) on real loopback
/// sockets: every byte arrives in order, a full socket gets the rest asynchronously before its flush completes, a
/// closed peer fails the flush, and nothing is sent before the batch ends.
/// </summary>
public sealed class SendBatchTests
{
    private static readonly TimeSpan Patience = LoopbackSockets.Patience;

    /// <summary>
    /// The batch, or null where io_uring is refused (then the server sends one call each, and these tests check that
    /// path with the same data; the output says which ran).
    /// </summary>
    private static SendBatch? NewBatch()
    {
        var batch = SendBatch.TryCreate(out var reason);
        TestContext.Current.TestOutputHelper?.WriteLine(batch is null ? $"io_uring unavailable ({reason}): testing the fallback" : "io_uring batch");
        if (batch is null)
        {
            Assert.False(string.IsNullOrEmpty(reason));
        }

        return batch;
    }

    private static Task<List<(Socket Server, Socket Client)>> PairsAsync(int count) => LoopbackSockets.PairsAsync(count);

    private static Task<byte[]> ReceiveExactlyAsync(Socket socket, int count) => LoopbackSockets.ReceiveExactlyAsync(socket, count);

    private static byte[] Frame(int socket, int round) => [.. Enumerable.Range(0, 20 + ((socket + round) % 50)).Select(b => (byte)(b ^ socket ^ (round * 7)))];

    [Fact]
    public async Task ManySocketsOneCallPerBatchEveryByteInOrder()
    {
        var pairs = await PairsAsync(40);
        using var batch = NewBatch();
        try
        {
            var writers = pairs.Select(p => new DirectSocketWriter(p.Server)).ToArray();
            var expected = pairs.Select(_ => new List<byte>()).ToArray();
            for (var round = 0; round < 30; round++)
            {
                var flushes = new List<ValueTask<FlushResult>>();
                batch?.Begin();
                for (var i = 0; i < writers.Length; i++)
                {
                    var frame = Frame(i, round);
                    writers[i].Write(frame);
                    expected[i].AddRange(frame);
                    flushes.Add(writers[i].FlushAsync(TestContext.Current.CancellationToken));
                }

                // nothing has left yet: the flushes wait for the batch
                var completedEarly = flushes.Count(f => f.IsCompleted);
                var arrivedEarly = pairs[0].Client.Available;
                batch?.End();
                if (batch is not null)
                {
                    Assert.Equal(0, completedEarly);
                    Assert.InRange(arrivedEarly, 0, expected[0].Count - Frame(0, round).Length);
                }

                foreach (var flush in flushes)
                {
                    Assert.True(flush.IsCompletedSuccessfully, "a batch completes its flushes when it ends");
                    Assert.False((await flush).IsCompleted);
                }
            }

            for (var i = 0; i < pairs.Count; i++)
            {
                Assert.Equal(expected[i].ToArray(), await ReceiveExactlyAsync(pairs[i].Client, expected[i].Count));
            }
        }
        finally
        {
            foreach (var (server, client) in pairs)
            {
                server.Dispose();
                client.Dispose();
            }
        }
    }

    [Fact]
    public async Task AFullSocketGetsTheRestAsynchronouslyAndItsFlushWaitsWhileTheOthersComplete()
    {
        var pairs = await PairsAsync(2);
        using var batch = NewBatch();
        var ((slowServer, slowClient), (fastServer, fastClient)) = (pairs[0], pairs[1]);
        using (slowServer)
        using (slowClient)
        using (fastServer)
        using (fastClient)
        {
            slowServer.SendBufferSize = 8 * 1024;
            slowClient.ReceiveBufferSize = 8 * 1024;
            var slow = new DirectSocketWriter(slowServer);
            var fast = new DirectSocketWriter(fastServer);

            // fill the slow socket's buffers with frames the batch sends (each up to SendBatch.MaxFrame)
            var sentToSlow = new List<byte>();
            var random = new Random(3);
            ValueTask<FlushResult> pendingSlow = default;
            for (var round = 0; round < 400; round++)
            {
                var frame = new byte[SendBatch.MaxFrame];
                random.NextBytes(frame);
                slow.Write(frame);
                sentToSlow.AddRange(frame);
                fast.Write(Frame(1, round));
                batch?.Begin();
                var slowFlush = slow.FlushAsync(TestContext.Current.CancellationToken);
                var fastFlush = fast.FlushAsync(TestContext.Current.CancellationToken);
                batch?.End();
                Assert.True(fastFlush.IsCompletedSuccessfully, "the other socket is not held up");
                await fastFlush;
                if (!slowFlush.IsCompleted)
                {
                    pendingSlow = slowFlush;
                    break;
                }

                await slowFlush;
            }

            Assert.False(pendingSlow.IsCompleted, "a socket nobody reads fills up within 400 frames of 16 KiB");
            var received = await ReceiveExactlyAsync(slowClient, sentToSlow.Count);
            await pendingSlow.AsTask().WaitAsync(Patience, TestContext.Current.CancellationToken);
            Assert.Equal(sentToSlow.ToArray(), received);

            // batching goes on afterwards
            slow.Write("after"u8);
            batch?.Begin();
            var after = slow.FlushAsync(TestContext.Current.CancellationToken);
            batch?.End();
            await after;
            Assert.Equal("after"u8.ToArray(), await ReceiveExactlyAsync(slowClient, 5));
        }
    }

    [Fact]
    public async Task AFlushToAClosedSocketFailsWithoutHarmingTheOthers()
    {
        var pairs = await PairsAsync(2);
        using var batch = NewBatch();
        var ((goneServer, goneClient), (liveServer, liveClient)) = (pairs[0], pairs[1]);
        using (goneServer)
        using (liveServer)
        using (liveClient)
        {
            var gone = new DirectSocketWriter(goneServer);
            var live = new DirectSocketWriter(liveServer);
            goneClient.LingerState = new LingerOption(true, 0); // the peer resets the connection
            goneClient.Dispose();
            await Task.Delay(100, TestContext.Current.CancellationToken);

            gone.Write("lost"u8);
            live.Write("kept"u8);
            batch?.Begin();
            var lost = gone.FlushAsync(TestContext.Current.CancellationToken);
            var kept = live.FlushAsync(TestContext.Current.CancellationToken);
            batch?.End();

            await Assert.ThrowsAsync<IOException>(async () => await lost);
            await kept;
            Assert.Equal("kept"u8.ToArray(), await ReceiveExactlyAsync(liveClient, 4));
        }
    }

    [Fact]
    public async Task ASocketClosedWhileItsSendWaitsInTheBatchKeepsItsDescriptorUntilTheBatchEnds()
    {
        var pairs = await PairsAsync(2);
        using var batch = NewBatch();
        var ((server, client), (otherServer, otherClient)) = (pairs[0], pairs[1]);
        using (client)
        using (otherServer)
        using (otherClient)
        {
            var writer = new DirectSocketWriter(server);
            var other = new DirectSocketWriter(otherServer);
            writer.Write("last words"u8);
            other.Write("still here"u8);
            batch?.Begin();
            var flush = writer.FlushAsync(TestContext.Current.CancellationToken);
            var otherFlush = other.FlushAsync(TestContext.Current.CancellationToken);

            // another thread closes the socket: the close waits for the batch, so the descriptor cannot be reused by
            // a new connection and the queued frame cannot reach anyone else
            var closing = Task.Run(server.Dispose, TestContext.Current.CancellationToken);
            Thread.Sleep(200);
            var closedEarly = closing.IsCompleted;
            batch?.End();
            Assert.True(batch is null || !closedEarly, "the close waits for the batch that holds the descriptor");
            await closing.WaitAsync(Patience, TestContext.Current.CancellationToken);

            // the frame raced with the close: sent, or failed as a transport error (never anything else)
            try
            {
                await flush;
            }
            catch (IOException)
            {
            }

            await otherFlush;
            Assert.Equal("still here"u8.ToArray(), await ReceiveExactlyAsync(otherClient, 10));
        }
    }
}
