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
        using var pair = await Pair.OpenAsync();
        var (client, input) = (pair.Client, pair.Input);
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
        using var pair = await Pair.OpenAsync();
        var (client, input) = (pair.Client, pair.Input);

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
        using var pair = await Pair.OpenAsync();
        var (client, input) = (pair.Client, pair.Input);
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
        using var pair = await Pair.OpenAsync();
        var (client, input) = (pair.Client, pair.Input);

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
        using var pair = await Pair.OpenAsync();
        var (client, input) = (pair.Client, pair.Input);

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
        using var pair = await Pair.OpenAsync();
        var read = pair.Input.ReadAsync(TestContext.Current.CancellationToken).AsTask();

        pair.Client.LingerState = new LingerOption(true, 0);
        pair.Client.Dispose();

        await Assert.ThrowsAsync<ConnectionResetException>(() => read.WaitAsync(Patience, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task AbortingTheSocketEndsAWaitingReadWithATransportFailure()
    {
        using var pair = await Pair.OpenAsync();
        var read = pair.Input.ReadAsync(TestContext.Current.CancellationToken).AsTask();

        pair.Server.Dispose();

        var error = await Assert.ThrowsAnyAsync<Exception>(() => read.WaitAsync(Patience, TestContext.Current.CancellationToken));
        Assert.True(FrameSocket.IsTransportFailure(error), error.ToString());
    }

    [Fact]
    public async Task ACancelledReadIsReportedOnceAndTheDataStaysForTheNextRead()
    {
        using var pair = await Pair.OpenAsync();
        var (client, input) = (pair.Client, pair.Input);

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
        using var pair = await Pair.OpenAsync();
        var (client, input) = (pair.Client, pair.Input);
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
        using var pair = await Pair.OpenAsync();
        var (client, input) = (pair.Client, pair.Input);
        await client.SendAsync(new byte[] { 1, 2 }, SocketFlags.None, TestContext.Current.CancellationToken);
        var result = await ReadAsync(input);

        Assert.Throws<InvalidOperationException>(() => input.AdvanceTo(result.Buffer.End, result.Buffer.Start));
    }

    /// <summary>A loopback connection and the reader over its server side; both sockets closed when disposed.</summary>
    private sealed record Pair(Socket Server, Socket Client, SocketInput Input) : IDisposable
    {
        public static async Task<Pair> OpenAsync()
        {
            var (server, client) = (await LoopbackSockets.PairsAsync(1))[0];
            return new Pair(server, client, new SocketInput(server));
        }

        public void Dispose()
        {
            Server.Dispose();
            Client.Dispose();
        }
    }

    private static async Task<ReadResult> ReadAsync(PipeReader input) =>
        await input.ReadAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(Patience, TestContext.Current.CancellationToken);
}
