using System.IO.Pipelines;
using System.Text;
using Collab.SyncServer.Connections.WebSockets;
using Collab.Tests.SyncServer.Support;

namespace Collab.Tests.SyncServer.Protocol;

/// <summary>FrameSocket on in-memory pipes: parsing under any chunking, the three length encodings, masking, writing.</summary>
public sealed class FrameSocketTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private static readonly int[] BoundaryLengths = [0, 1, 125, 126, 127, 65535, 65536, 1 << 20];

    private sealed record Expected(FrameKind Kind, byte[] Payload, int CloseCode = 0);

    /// <summary>Feeds <paramref name="stream"/> in chunks of the given sizes (then ends it) and collects what the socket reads until it closes or fails.</summary>
    private static async Task<List<InboundFrame>> ReceiveAllAsync(byte[] stream, Func<int> chunkSize, int maxMessageBytes = 4 << 20)
    {
        var ct = TestContext.Current.CancellationToken;
        var input = new Pipe();
        var output = new Pipe();
        var socket = new FrameSocket(input.Reader, output.Writer, () => { }, maxMessageBytes);
        var feeding = Task.Run(
            async () =>
            {
                for (var offset = 0; offset < stream.Length;)
                {
                    var n = Math.Min(Math.Max(1, chunkSize()), stream.Length - offset);
                    var flush = await input.Writer.WriteAsync(stream.AsMemory(offset, n), ct);
                    if (flush.IsCompleted)
                    {
                        return;
                    }

                    offset += n;
                }

                await input.Writer.CompleteAsync();
            },
            ct);
        var frames = new List<InboundFrame>();
        while (true)
        {
            var frame = await socket.ReceiveAsync().AsTask().WaitAsync(Patience, ct);
            frames.Add(frame);
            if (frame.Kind is FrameKind.Closed or FrameKind.ProtocolError)
            {
                break;
            }
        }

        await input.Reader.CompleteAsync();
        await feeding.WaitAsync(Patience, ct);
        return frames;
    }

    private static void AssertFrames(IReadOnlyList<Expected> expected, IReadOnlyList<InboundFrame> actual)
    {
        Assert.Equal(expected.Select(e => e.Kind), actual.Select(a => a.Kind));
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.True(expected[i].Payload.AsSpan().SequenceEqual(actual[i].Payload), $"payload of frame {i} ({expected[i].Kind}, {expected[i].Payload.Length} bytes)");
            Assert.Equal(expected[i].CloseCode, actual[i].CloseCode);
        }
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private static uint RandomMask(Random random) => random.Next(8) == 0 ? 0 : (uint)random.NextInt64(1, 1L << 32);

    /// <summary>Messages of the given lengths, fragmented at random, with pings and pongs between fragments, then a close frame.</summary>
    private static (byte[] Stream, List<Expected> Expected) Conversation(Random random, IEnumerable<int> lengths)
    {
        var stream = new MemoryStream();
        var expected = new List<Expected>();
        foreach (var length in lengths)
        {
            var payload = RandomBytes(random, length);
            var fragments = random.Next(1, 4);
            var cuts = Enumerable.Range(0, fragments - 1).Select(_ => random.Next(0, length + 1)).Order().Prepend(0).Append(length).ToArray();
            for (var f = 0; f < fragments; f++)
            {
                var encoding = (LengthEncoding)random.Next(3);
                var part = payload.AsSpan(cuts[f], cuts[f + 1] - cuts[f]);
                if (encoding == LengthEncoding.Bits16 && part.Length > ushort.MaxValue)
                {
                    encoding = LengthEncoding.Bits64;
                }

                stream.Write(RawWebSocket.Frame(f == 0 ? FrameSocket.OpBinary : FrameSocket.OpContinuation, part, fin: f == fragments - 1, encoding: encoding, mask: RandomMask(random)));
                if (f < fragments - 1 && random.Next(2) == 0)
                {
                    var ping = RandomBytes(random, random.Next(0, 126));
                    stream.Write(RawWebSocket.Frame(FrameSocket.OpPing, ping, mask: RandomMask(random)));
                    expected.Add(new Expected(FrameKind.Ping, ping));
                }

                if (random.Next(4) == 0)
                {
                    stream.Write(RawWebSocket.Frame(FrameSocket.OpPong, RandomBytes(random, random.Next(0, 126)), mask: RandomMask(random)));
                }
            }

            expected.Add(new Expected(FrameKind.Binary, payload));
        }

        stream.Write(RawWebSocket.Frame(FrameSocket.OpClose, [0x0F, 0xA0, .. "done"u8], mask: RandomMask(random)));
        expected.Add(new Expected(FrameKind.Closed, [], 4000));
        return (stream.ToArray(), expected);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task FramesFedOneByteAtATimeGiveTheSameMessages(int seed)
    {
        var random = new Random(seed);
        var (stream, expected) = Conversation(random, [0, 1, 2, 3, 4, 5, 7, 8, 9, 125, 126, 127, 128, 1000, 70_000]);

        AssertFrames(expected, await ReceiveAllAsync(stream, () => 1));
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    [InlineData(14)]
    [InlineData(15)]
    public async Task FramesInRandomChunkingsGiveTheSameMessages(int seed)
    {
        var random = new Random(seed);
        var (stream, expected) = Conversation(random, [.. BoundaryLengths, .. Enumerable.Range(0, 20).Select(_ => random.Next(0, 3000))]);

        var whole = await ReceiveAllAsync(stream, () => int.MaxValue);
        var small = await ReceiveAllAsync(stream, () => random.Next(1, 20));
        var mixed = await ReceiveAllAsync(stream, () => random.Next(3) switch { 0 => random.Next(1, 16), 1 => random.Next(1, 4096), _ => random.Next(1, 200_000) });

        AssertFrames(expected, whole);
        AssertFrames(expected, small);
        AssertFrames(expected, mixed);
    }

    /// <summary>Every length encoding and its edges: 7-bit, 16-bit, 64-bit.</summary>
    public static TheoryData<int> PayloadLengths => [0, 1, 125, 126, 127, 65535, 65536, 1 << 20];

    [Theory]
    [MemberData(nameof(PayloadLengths))]
    public async Task EveryLengthEncodingUnmasksCorrectlyWithRandomMasks(int length)
    {
        var random = new Random(length);
        var stream = new MemoryStream();
        var expected = new List<Expected>();
        foreach (var encoding in new[] { LengthEncoding.Shortest, LengthEncoding.Bits16, LengthEncoding.Bits64 })
        {
            if (encoding == LengthEncoding.Bits16 && length > ushort.MaxValue)
            {
                continue;
            }

            for (var i = 0; i < 4; i++)
            {
                var payload = RandomBytes(random, length);
                stream.Write(RawWebSocket.Frame(FrameSocket.OpBinary, payload, encoding: encoding, mask: (uint)random.NextInt64(1, 1L << 32)));
                expected.Add(new Expected(FrameKind.Binary, payload));
            }
        }

        stream.Write(RawWebSocket.Frame(FrameSocket.OpClose, [], mask: 0x01020304));
        expected.Add(new Expected(FrameKind.Closed, [], 1005));

        AssertFrames(expected, await ReceiveAllAsync(stream.ToArray(), () => random.Next(1, 100_000)));
    }

    [Theory]
    [MemberData(nameof(PayloadLengths))]
    public async Task WriteProducesOneUnmaskedFrameWithTheShortestLength(int length)
    {
        var payload = RandomBytes(new Random(length), length);
        var sink = new MemoryStream();
        var socket = new FrameSocket(new Pipe().Reader, PipeWriter.Create(sink), () => { }, 1024);

        socket.Write(FrameSocket.OpBinary, payload);
        socket.Write(FrameSocket.OpPong, [1, 2, 3]);
        await socket.FlushAsync();

        var bytes = sink.ToArray();
        Assert.True(RawWebSocket.TryParseFrame(bytes, out var frame, out var consumed));
        Assert.Equal((true, 0, FrameSocket.OpBinary, false), (frame.Fin, frame.Rsv, frame.Opcode, frame.Masked));
        Assert.True(payload.AsSpan().SequenceEqual(frame.Payload));
        var lengthField = bytes[1] & 0x7F;
        Assert.Equal(length < 126 ? length : length <= ushort.MaxValue ? 126 : 127, lengthField);
        Assert.Equal((length < 126 ? 2 : length <= ushort.MaxValue ? 4 : 10) + length, consumed);
        Assert.True(RawWebSocket.TryParseFrame(bytes.AsSpan(consumed), out var pong, out var rest));
        Assert.Equal((true, FrameSocket.OpPong, false), (pong.Fin, pong.Opcode, pong.Masked));
        Assert.Equal([1, 2, 3], pong.Payload);
        Assert.Equal(bytes.Length, consumed + rest);
    }

    [Theory]
    [InlineData("", "", 0)]
    [InlineData("Protocol Error", "", 0)]
    [InlineData("", "a", 200)]
    [InlineData("", "é", 100)]
    [InlineData("a", "é", 100)]
    [InlineData("", "€", 50)]
    [InlineData("a", "€", 50)]
    [InlineData("ab", "€", 50)]
    [InlineData("", "😀", 40)]
    [InlineData("a", "😀", 40)]
    [InlineData("ab", "😀", 40)]
    [InlineData("abc", "😀", 40)]
    public async Task WriteCloseCutsALongReasonToWholeCharactersWithin125Bytes(string prefix, string unit, int repeat)
    {
        // the prefix shifts where the 123-byte boundary falls inside a multi-byte character
        var reason = prefix + string.Concat(Enumerable.Repeat(unit, repeat));
        var sink = new MemoryStream();
        var socket = new FrameSocket(new Pipe().Reader, PipeWriter.Create(sink), () => { }, 1024);

        socket.WriteClose(4000, reason);
        await socket.FlushAsync();

        Assert.True(RawWebSocket.TryParseFrame(sink.ToArray(), out var frame, out _));
        Assert.Equal((true, FrameSocket.OpClose, false, 4000), (frame.Fin, frame.Opcode, frame.Masked, frame.CloseCode));
        Assert.True(frame.Payload.Length <= 125);
        var written = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(frame.Payload, 2, frame.Payload.Length - 2);
        Assert.Equal(ExpectedReason(reason), written);
        Assert.True(Encoding.UTF8.GetByteCount(reason) <= 123 ? written == reason : frame.Payload.Length > 125 - 4, "nothing is cut that would have fit");
    }

    /// <summary>The longest prefix of whole characters whose UTF-8 fits in the 123 bytes after the code.</summary>
    private static string ExpectedReason(string reason)
    {
        var result = new StringBuilder();
        var bytes = 0;
        foreach (var rune in reason.EnumerateRunes())
        {
            if (bytes + rune.Utf8SequenceLength > 123)
            {
                break;
            }

            bytes += rune.Utf8SequenceLength;
            result.Append(rune.ToString());
        }

        return result.ToString();
    }

    [Theory]
    [InlineData("0203", "unmasked")]
    [InlineData("c280", "RSV1")]
    [InlineData("a280", "RSV2")]
    [InlineData("9280", "RSV3")]
    [InlineData("8380", "opcode 3")]
    [InlineData("8b80", "opcode 0xB")]
    [InlineData("89fe007e00000000", "ping of 126 bytes")]
    [InlineData("098000000000", "fragmented ping")]
    [InlineData("80810000000000", "continuation without a message")]
    [InlineData("02810000000001828000000000", "binary frame inside a fragmented message")]
    [InlineData("02810000000001818000000000", "text frame inside a fragmented message")]
    [InlineData("88810000000003", "close with a 1-byte payload")]
    [InlineData("82ff800000000000000100000000", "64-bit length with the top bit set")]
    public async Task FramingViolationsAreProtocolErrors(string hex, string what)
    {
        var frames = await ReceiveAllAsync(Convert.FromHexString(hex), () => 1);

        Assert.True(frames[^1].Kind == FrameKind.ProtocolError, $"{what}: {frames[^1].Kind}");
        Assert.Equal(1002, frames[^1].CloseCode);
    }

    [Theory]
    [InlineData("03e7", 1002)]
    [InlineData("03ec", 1002)]
    [InlineData("03ed", 1002)]
    [InlineData("03ee", 1002)]
    [InlineData("03f7", 1002)]
    [InlineData("03f8", 1002)]
    [InlineData("07d0", 1002)]
    [InlineData("0bb7", 1002)]
    [InlineData("1388", 1002)]
    [InlineData("0000", 1002)]
    [InlineData("03e8fffe", 1007)]
    [InlineData("03e8c328", 1007)]
    public async Task ACloseFrameWithAForbiddenCodeOrANonUtf8ReasonIsAnError(string payloadHex, int expected)
    {
        var payload = Convert.FromHexString(payloadHex);
        var frames = await ReceiveAllAsync([0x88, (byte)(0x80 | payload.Length), 0, 0, 0, 0, .. payload], () => 1);

        Assert.Equal(FrameKind.ProtocolError, frames[^1].Kind);
        Assert.Equal(expected, frames[^1].CloseCode);
    }

    [Theory]
    [InlineData("888000000000", 1005)]
    [InlineData("88820000000003e8", 1000)]
    [InlineData("8882ffffffff f05f", 4000)]
    [InlineData("88820000000003f4", 1012)]
    [InlineData("8882000000000bb8", 3000)]
    [InlineData("88820000000013 87", 4999)]
    [InlineData("88840000000003e8c3a9", 1000)]
    public async Task ACloseFrameIsReadWithItsCode(string hex, int code)
    {
        var frames = await ReceiveAllAsync(Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal)), () => 1);

        AssertFrames([new(FrameKind.Closed, [], code)], frames);
    }

    [Fact]
    public async Task AFragmentedMessageAboveTheLimitIsTooBigAndTheNextMessageIsReadAgain()
    {
        var first = RandomBytes(new Random(1), 600);
        var next = RandomBytes(new Random(2), 1000);
        byte[] stream =
        [
            .. RawWebSocket.Frame(FrameSocket.OpBinary, first, fin: false, mask: 7),
            .. RawWebSocket.Frame(FrameSocket.OpContinuation, first, fin: false, mask: 8),
            .. RawWebSocket.Frame(FrameSocket.OpContinuation, first, mask: 9),
            .. RawWebSocket.Frame(FrameSocket.OpText, "text"u8, fin: false, mask: 10),
            .. RawWebSocket.Frame(FrameSocket.OpContinuation, "more"u8, mask: 11),
            .. RawWebSocket.Frame(FrameSocket.OpBinary, next, mask: 12),
        ];

        var frames = await ReceiveAllAsync(stream, () => 3, maxMessageBytes: 1024);

        AssertFrames(
            [new(FrameKind.TooBig, []), new(FrameKind.Text, []), new(FrameKind.Binary, next), new(FrameKind.Closed, [], 1006)],
            frames);
    }

    [Fact]
    public async Task AStreamThatEndsMidFrameIsClosedWith1006()
    {
        var frame = RawWebSocket.Frame(FrameSocket.OpBinary, new byte[300], mask: 5);

        var frames = await ReceiveAllAsync(frame[..150], () => 7);

        AssertFrames([new(FrameKind.Closed, [], 1006)], frames);
    }
}
