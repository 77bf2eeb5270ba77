using System.Buffers;
using System.Net.Sockets;
using Collab.SyncServer.Connections.WebSockets;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;

namespace Collab.Tests.SyncServer.Protocol;

/// <summary>DirectSocketWriter on a real loopback TCP connection: order, a reader that stalls, a peer that is gone.</summary>
public sealed class DirectSocketWriterTests
{
    private static readonly TimeSpan Patience = LoopbackSockets.Patience;

    private static async Task<(Socket Server, Socket Client)> ConnectedPairAsync() => (await LoopbackSockets.PairsAsync(1))[0];

    private static Task<byte[]> ReceiveExactlyAsync(Socket socket, int count) => LoopbackSockets.ReceiveExactlyAsync(socket, count);

    [Fact]
    public async Task SmallFlushesLeaveAtOnceInOrderAndHoldNoBuffer()
    {
        var (server, client) = await ConnectedPairAsync();
        using (server)
        using (client)
        {
            var writer = new DirectSocketWriter(server);
            var expected = new List<byte>();
            for (var i = 0; i < 100; i++)
            {
                var chunk = Enumerable.Range(0, 1 + (i % 40)).Select(b => (byte)(b + i)).ToArray();
                writer.Write(chunk);
                expected.AddRange(chunk);
                var flush = writer.FlushAsync(TestContext.Current.CancellationToken);
                Assert.True(flush.IsCompletedSuccessfully, "a small flush completes on the caller's thread");
                Assert.False((await flush).IsCompleted);
            }

            Assert.Equal(expected.ToArray(), await ReceiveExactlyAsync(client, expected.Count));
            Assert.False(server.Blocking);
        }
    }

    [Fact]
    public async Task WhatAStalledReaderDoesNotTakeIsSentWhenItReadsAgainAndTheFlushWaitsForIt()
    {
        var (server, client) = await ConnectedPairAsync();
        using (server)
        using (client)
        {
            server.SendBufferSize = 16 * 1024;
            client.ReceiveBufferSize = 16 * 1024;
            var writer = new DirectSocketWriter(server);
            var payload = new byte[8 * 1024 * 1024];
            new Random(7).NextBytes(payload);

            // one large message through GetSpan/Advance in pieces (the buffer grows), then one flush
            for (var offset = 0; offset < payload.Length; offset += 100_000)
            {
                var piece = payload.AsSpan(offset, Math.Min(100_000, payload.Length - offset));
                piece.CopyTo(writer.GetSpan(piece.Length));
                writer.Advance(piece.Length);
            }

            var flush = writer.FlushAsync(TestContext.Current.CancellationToken).AsTask();
            Assert.False(flush.IsCompleted, "the socket cannot take 8 MiB while nobody reads");

            var received = await ReceiveExactlyAsync(client, payload.Length);
            await flush.WaitAsync(Patience, TestContext.Current.CancellationToken);
            Assert.Equal(payload, received);

            // the writer is usable again afterwards
            writer.Write("after"u8);
            await writer.FlushAsync(TestContext.Current.CancellationToken);
            Assert.Equal("after"u8.ToArray(), await ReceiveExactlyAsync(client, 5));
        }
    }

    [Fact]
    public async Task AReceiveOnTheSameSocketKeepsWorkingBesideTheWrites()
    {
        var (server, client) = await ConnectedPairAsync();
        using (server)
        using (client)
        {
            var writer = new DirectSocketWriter(server);
            var buffer = new byte[3];
            var receive = server.ReceiveAsync(buffer.AsMemory(), SocketFlags.None, TestContext.Current.CancellationToken).AsTask();

            writer.Write("ping"u8);
            await writer.FlushAsync(TestContext.Current.CancellationToken);
            Assert.Equal("ping"u8.ToArray(), await ReceiveExactlyAsync(client, 4));
            Assert.False(receive.IsCompleted);

            await client.SendAsync("abc"u8.ToArray(), SocketFlags.None, TestContext.Current.CancellationToken);
            Assert.Equal(3, await receive.WaitAsync(Patience, TestContext.Current.CancellationToken));
            Assert.Equal("abc"u8.ToArray(), buffer);
        }
    }

    [Fact]
    public async Task AFlushToAPeerThatIsGoneFailsWithAnIOException()
    {
        var (server, client) = await ConnectedPairAsync();
        using (server)
        {
            client.LingerState = new LingerOption(true, 0); // close with a reset
            client.Dispose();
            var writer = new DirectSocketWriter(server);

            var failure = await Assert.ThrowsAnyAsync<Exception>(async () =>
            {
                // the first send after the reset may still be accepted; a later one reports it
                for (var i = 0; i < 100; i++)
                {
                    writer.Write(new byte[1024]);
                    await writer.FlushAsync(TestContext.Current.CancellationToken);
                    await Task.Delay(10, TestContext.Current.CancellationToken);
                }
            });
            Assert.True(failure is IOException or ObjectDisposedException, failure.ToString());
        }
    }

    [Fact]
    public async Task AFlushOnADisposedSocketFailsWithoutThrowingSynchronously()
    {
        var (server, client) = await ConnectedPairAsync();
        using (client)
        {
            var writer = new DirectSocketWriter(server);
            server.Dispose();
            writer.Write("x"u8);
            var flush = writer.FlushAsync(TestContext.Current.CancellationToken);
            Assert.True(flush.IsFaulted);
            await Assert.ThrowsAsync<ObjectDisposedException>(async () => await flush);
        }
    }

    [Fact]
    public async Task OnlyAPlainTcpSocketOfTheTransportIsWrittenDirectly()
    {
        var (server, client) = await ConnectedPairAsync();
        using (server)
        using (client)
        {
            var plain = new FakeConnection();
            plain.Features.Set<IConnectionSocketFeature>(new SocketFeature(server));
            Assert.Same(server, DirectSocketWriter.SocketOf(plain));

            var tls = new FakeConnection();
            tls.Features.Set<IConnectionSocketFeature>(new SocketFeature(server));
            tls.Features.Set<ITlsConnectionFeature>(new TlsConnectionFeature());
            Assert.Null(DirectSocketWriter.SocketOf(tls));

            Assert.Null(DirectSocketWriter.SocketOf(new FakeConnection()));
        }
    }

    private sealed class SocketFeature(Socket socket) : IConnectionSocketFeature
    {
        public Socket Socket => socket;
    }

    private sealed class TlsConnectionFeature : ITlsConnectionFeature
    {
        public System.Security.Cryptography.X509Certificates.X509Certificate2? ClientCertificate { get; set; }

        public Task<System.Security.Cryptography.X509Certificates.X509Certificate2?> GetClientCertificateAsync(CancellationToken cancellationToken) =>
            Task.FromResult(ClientCertificate);
    }

    private sealed class FakeConnection : Microsoft.AspNetCore.Connections.ConnectionContext
    {
        public override string ConnectionId { get; set; } = "test";

        public override IFeatureCollection Features { get; } = new FeatureCollection();

        public override IDictionary<object, object?> Items { get; set; } = new Dictionary<object, object?>();

        public override System.IO.Pipelines.IDuplexPipe Transport { get; set; } = null!;
    }
}
