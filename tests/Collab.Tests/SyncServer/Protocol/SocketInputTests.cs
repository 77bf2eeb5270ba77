using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using Collab.SyncServer.Connections.WebSockets;
using Microsoft.AspNetCore.Connections;

namespace Collab.Tests.SyncServer.Protocol;

/// <summary>The pipe reader over a socket that directly served WebSockets read from, on real loopback sockets.</summary>
public sealed class SocketInputTests
{
    private static readonly TimeSpan Patience = LoopbackSockets.Patience;

    [Fact]
    public async Task WhatArrivesIsReadAndNoBufferIsHeldOnceItWasConsumed()
    {
        var (server, client) = (await LoopbackSockets.PairsAsync(1))[0];
        using var serverSide = server;
        using var clientSide = client;
        var input = new SocketInput(server);
        Assert.False(input.HoldsBuffer);

        await client.SendAsync(new byte[] { 1, 2, 3 }, SocketFlags.None, TestContext.Current.CancellationToken);
        var result = await ReadAsync(input);

        Assert.Equal([1, 2, 3], result.Buffer.ToArray());
        Assert.True(input.HoldsBuffer);
        input.AdvanceTo(result.Buffer.End);
        Assert.False(input.HoldsBuffer);
    }

    [Fact]
    public async Task WhatWasExaminedButNotConsumedIsReturnedAgainWithWhatArrivesNext()
    {
        var (server, client) = (await LoopbackSockets.PairsAsync(1))[0];
        using var serverSide = server;
        using var clientSide = client;
        var input = new SocketInput(server);

        await client.SendAsync(new byte[] { 1, 2, 3, 4 }, SocketFlags.None, TestContext.Current.CancellationToken);
        var first = await ReadAsync(input);
        input.AdvanceTo(first.Buffer.GetPosition(1), first.Buffer.End);

        Assert.False(input.TryRead(out _));
        await client.SendAsync(new byte[] { 5 }, SocketFlags.None, TestContext.Current.CancellationToken);
        var second = await ReadAsync(input);
        Assert.Equal([2, 3, 4, 5], second.Buffer.ToArray());

        // consumed but not examined: the rest is there at once, without a receive
        input.AdvanceTo(second.Buffer.GetPosition(2), second.Buffer.GetPosition(2));
        Assert.True(input.TryRead(out var third));
        Assert.Equal([4, 5], third.Buffer.ToArray());
        input.AdvanceTo(third.Buffer.End);
    }

    [Fact]
    public async Task AMessageLargerThanTheBufferIsGatheredWhole()
    {
        var (server, client) = (await LoopbackSockets.PairsAsync(1))[0];
        using var serverSide = server;
        using var clientSide = client;
        var input = new SocketInput(server);
        var message = Enumerable.Range(0, 300_000).Select(i => (byte)(i * 7)).ToArray();

        var send = client.SendAsync(message, SocketFlags.None, TestContext.Current.CancellationToken).AsTask();
        ReadResult result;
        while (true)
        {
            result = await ReadAsync(input);
            if (result.Buffer.Length == message.Length)
            {
                break;
            }

            input.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }

        await send;
        Assert.Equal(message, result.Buffer.ToArray());
        input.AdvanceTo(result.Buffer.End);
        Assert.False(input.HoldsBuffer);
    }

    [Fact]
    public async Task TheEndOfThePeersStreamCompletesTheRead()
    {
        var (server, client) = (await LoopbackSockets.PairsAsync(1))[0];
        using var serverSide = server;
        using var clientSide = client;
        var input = new SocketInput(server);

        await client.SendAsync(new byte[] { 9 }, SocketFlags.None, TestContext.Current.CancellationToken);
        client.Shutdown(SocketShutdown.Send);
        var result = await ReadAsync(input);
        Assert.Equal([9], result.Buffer.ToArray());
        input.AdvanceTo(result.Buffer.End);
        result = await ReadAsync(input);

        Assert.True(result.IsCompleted);
        Assert.True(result.Buffer.IsEmpty);
    }

    [Fact]
    public async Task TheEndOfThePeersStreamAfterAnIncompleteFrameCompletesTheReadWithWhatIsLeft()
    {
        var (server, client) = (await LoopbackSockets.PairsAsync(1))[0];
        using var serverSide = server;
        using var clientSide = client;
        var input = new SocketInput(server);

        await client.SendAsync(new byte[] { 0x82 }, SocketFlags.None, TestContext.Current.CancellationToken);
        var first = await ReadAsync(input);
        input.AdvanceTo(first.Buffer.Start, first.Buffer.End);
        client.Shutdown(SocketShutdown.Send);

        var last = await ReadAsync(input);
        Assert.True(last.IsCompleted);
        Assert.Equal([0x82], last.Buffer.ToArray());
        input.AdvanceTo(last.Buffer.Start, last.Buffer.End);
        Assert.True(input.TryRead(out var again));
        Assert.True(again.IsCompleted);
    }

    [Fact]
    public async Task AResetByThePeerIsAConnectionResetException()
    {
        var (server, client) = (await LoopbackSockets.PairsAsync(1))[0];
        using var serverSide = server;
        var input = new SocketInput(server);
        var read = input.ReadAsync(TestContext.Current.CancellationToken).AsTask();

        client.LingerState = new LingerOption(true, 0);
        client.Dispose();

        await Assert.ThrowsAsync<ConnectionResetException>(() => read.WaitAsync(Patience, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task AbortingTheSocketEndsAWaitingReadWithATransportFailure()
    {
        var (server, client) = (await LoopbackSockets.PairsAsync(1))[0];
        using var clientSide = client;
        var input = new SocketInput(server);
        var read = input.ReadAsync(TestContext.Current.CancellationToken).AsTask();

        server.Dispose();

        var error = await Assert.ThrowsAnyAsync<Exception>(() => read.WaitAsync(Patience, TestContext.Current.CancellationToken));
        Assert.True(FrameSocket.IsTransportFailure(error), error.ToString());
    }

    [Fact]
    public async Task ACancelledReadIsReportedOnceAndTheDataStaysForTheNextRead()
    {
        var (server, client) = (await LoopbackSockets.PairsAsync(1))[0];
        using var serverSide = server;
        using var clientSide = client;
        var input = new SocketInput(server);

        input.CancelPendingRead();
        var cancelled = await ReadAsync(input);
        Assert.True(cancelled.IsCanceled);

        await client.SendAsync(new byte[] { 7 }, SocketFlags.None, TestContext.Current.CancellationToken);
        var result = await ReadAsync(input);
        Assert.False(result.IsCanceled);
        Assert.Equal([7], result.Buffer.ToArray());
        input.AdvanceTo(result.Buffer.End);
    }

    [Fact]
    public async Task ATokenCancelsAReadThatWaitsForTheSocket()
    {
        var (server, client) = (await LoopbackSockets.PairsAsync(1))[0];
        using var serverSide = server;
        using var clientSide = client;
        var input = new SocketInput(server);
        using var cancel = new CancellationTokenSource();

        var read = input.ReadAsync(cancel.Token).AsTask();
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read.WaitAsync(Patience, TestContext.Current.CancellationToken));
        await client.SendAsync(new byte[] { 8 }, SocketFlags.None, TestContext.Current.CancellationToken);
        var result = await ReadAsync(input);
        Assert.Equal([8], result.Buffer.ToArray());
        input.AdvanceTo(result.Buffer.End);
    }

    [Fact]
    public async Task PositionsOutsideTheLastReadAreRefused()
    {
        var (server, client) = (await LoopbackSockets.PairsAsync(1))[0];
        using var serverSide = server;
        using var clientSide = client;
        var input = new SocketInput(server);
        await client.SendAsync(new byte[] { 1, 2 }, SocketFlags.None, TestContext.Current.CancellationToken);
        var result = await ReadAsync(input);

        Assert.Throws<InvalidOperationException>(() => input.AdvanceTo(result.Buffer.End, result.Buffer.Start));
    }

    private static async Task<ReadResult> ReadAsync(PipeReader input) =>
        await input.ReadAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(Patience, TestContext.Current.CancellationToken);
}
