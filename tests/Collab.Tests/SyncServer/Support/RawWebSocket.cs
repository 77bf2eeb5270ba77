using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;
using Collab.SyncServer.Protocol;
using Collab.Yjs.Lib0;

namespace Collab.Tests.SyncServer.Support;

/// <summary>A frame as it travels on the wire (either direction).</summary>
internal sealed record WireFrame(bool Fin, int Rsv, byte Opcode, bool Masked, byte[] Payload)
{
    public int CloseCode => Payload.Length >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(Payload) : 1005;

    public string CloseReason => Payload.Length > 2 ? Encoding.UTF8.GetString(Payload, 2, Payload.Length - 2) : "";
}

/// <summary>How a frame header states its payload length.</summary>
internal enum LengthEncoding
{
    /// <summary>The shortest form RFC 6455 allows.</summary>
    Shortest,

    /// <summary>126 and a 16-bit length.</summary>
    Bits16,

    /// <summary>127 and a 64-bit length.</summary>
    Bits64,
}

/// <summary>An HTTP response head (and body, when it has a length or is chunked).</summary>
internal sealed record HttpAnswer(int Status, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

/// <summary>
/// A WebSocket client written by hand over TCP: sends arbitrary bytes, frames and HTTP heads, and reads the server's
/// HTTP answers and frames. Every read has a bounded wait that fails the test.
/// </summary>
internal sealed class RawWebSocket : IAsyncDisposable
{
    public const string SampleKey = "dGhlIHNhbXBsZSBub25jZQ==";
    public const string SampleAccept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private readonly byte[] _chunk = new byte[64 * 1024];
    private byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;
    private int _maskSeed = 0x5eed;

    private RawWebSocket(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    public string Authority { get; private init; } = "";

    /// <summary>A TCP connection to the server; nothing sent yet.</summary>
    public static async Task<RawWebSocket> ConnectTcpAsync(SyncServerHost host)
    {
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(host.App.Address.Host, host.App.Address.Port, TestContext.Current.CancellationToken).AsTask()
            .WaitAsync(Patience, TestContext.Current.CancellationToken);
        return new RawWebSocket(tcp) { Authority = host.App.Address.Authority };
    }

    /// <summary>A WebSocket upgraded on <paramref name="target"/> (101 asserted).</summary>
    public static async Task<RawWebSocket> OpenAsync(SyncServerHost host, string target = "/")
    {
        var socket = await ConnectTcpAsync(host);
        var answer = await socket.UpgradeAsync(target);
        Assert.Equal(101, answer.Status);
        return socket;
    }

    /// <summary>An upgrade request head for <paramref name="target"/>.</summary>
    public string UpgradeRequest(string target = "/", string key = SampleKey, string version = "13") =>
        $"GET {target} HTTP/1.1\r\nHost: {Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: {version}\r\n\r\n";

    /// <summary>Sends an upgrade request and reads the answer.</summary>
    public async Task<HttpAnswer> UpgradeAsync(string target = "/", string key = SampleKey, string version = "13")
    {
        await SendAsync(Encoding.ASCII.GetBytes(UpgradeRequest(target, key, version)));
        return await ReadAnswerAsync();
    }

    public async Task SendAsync(byte[] bytes)
    {
        using var cts = Timeout(Patience);
        await _stream.WriteAsync(bytes, cts.Token);
        await _stream.FlushAsync(cts.Token);
    }

    public Task SendFrameAsync(byte opcode, byte[] payload, bool fin = true, bool masked = true, int rsv = 0, LengthEncoding encoding = LengthEncoding.Shortest) =>
        SendAsync(Frame(opcode, payload, fin, masked, rsv, encoding, masked ? NextMask() : 0));

    /// <summary>A Hocuspocus (or y-websocket) message as one masked binary frame.</summary>
    public Task SendMessageAsync(byte[] message) => SendFrameAsync(0x2, message);

    /// <summary>One frame in client form; <paramref name="declaredLength"/> overrides the length in the header.</summary>
    public static byte[] Frame(
        byte opcode, ReadOnlySpan<byte> payload, bool fin = true, bool masked = true, int rsv = 0,
        LengthEncoding encoding = LengthEncoding.Shortest, uint mask = 0x12345678, ulong? declaredLength = null)
    {
        var length = declaredLength ?? (ulong)payload.Length;
        if (encoding == LengthEncoding.Shortest)
        {
            encoding = length < 126 ? LengthEncoding.Shortest : length <= ushort.MaxValue ? LengthEncoding.Bits16 : LengthEncoding.Bits64;
        }

        var headerLength = 2 + encoding switch { LengthEncoding.Bits16 => 2, LengthEncoding.Bits64 => 8, _ => 0 } + (masked ? 4 : 0);
        var frame = new byte[headerLength + payload.Length];
        frame[0] = (byte)((fin ? 0x80 : 0) | ((rsv & 0x7) << 4) | (opcode & 0x0F));
        frame[1] = (byte)(masked ? 0x80 : 0);
        switch (encoding)
        {
            case LengthEncoding.Bits16:
                frame[1] |= 126;
                BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(2), (ushort)length);
                break;
            case LengthEncoding.Bits64:
                frame[1] |= 127;
                BinaryPrimitives.WriteUInt64BigEndian(frame.AsSpan(2), length);
                break;
            default:
                frame[1] |= (byte)length;
                break;
        }

        var body = frame.AsSpan(headerLength);
        payload.CopyTo(body);
        if (masked)
        {
            var key = frame.AsSpan(headerLength - 4, 4);
            BinaryPrimitives.WriteUInt32BigEndian(key, mask);
            for (var i = 0; i < body.Length; i++)
            {
                body[i] ^= key[i & 3];
            }
        }

        return frame;
    }

    /// <summary>Parses one frame (either direction) from the start of <paramref name="data"/>; false when it is incomplete.</summary>
    public static bool TryParseFrame(ReadOnlySpan<byte> data, out WireFrame frame, out int consumed)
    {
        frame = null!;
        consumed = 0;
        if (data.Length < 2)
        {
            return false;
        }

        var masked = (data[1] & 0x80) != 0;
        ulong length = (ulong)(data[1] & 0x7F);
        var offset = 2;
        if (length == 126)
        {
            if (data.Length < 4)
            {
                return false;
            }

            length = BinaryPrimitives.ReadUInt16BigEndian(data[2..]);
            offset = 4;
        }
        else if (length == 127)
        {
            if (data.Length < 10)
            {
                return false;
            }

            length = BinaryPrimitives.ReadUInt64BigEndian(data[2..]);
            offset = 10;
        }

        var keyOffset = offset;
        offset += masked ? 4 : 0;
        if ((ulong)data.Length < (ulong)offset + length)
        {
            return false;
        }

        var payload = data.Slice(offset, (int)length).ToArray();
        if (masked)
        {
            for (var i = 0; i < payload.Length; i++)
            {
                payload[i] ^= data[keyOffset + (i & 3)];
            }
        }

        frame = new WireFrame((data[0] & 0x80) != 0, (data[0] >> 4) & 0x7, (byte)(data[0] & 0x0F), masked, payload);
        consumed = offset + (int)length;
        return true;
    }

    /// <summary>The next frame from the server.</summary>
    public async Task<WireFrame> ReadFrameAsync(TimeSpan? timeout = null)
    {
        using var cts = Timeout(timeout ?? Patience);
        while (true)
        {
            if (TryParseFrame(_buffer.AsSpan(_start, _end - _start), out var frame, out var consumed))
            {
                _start += consumed;
                return frame;
            }

            if (!await FillAsync(cts.Token))
            {
                throw new EndOfStreamException("the server closed the connection before a complete frame");
            }
        }
    }

    /// <summary>Reads frames until a Hocuspocus message matches (pings are answered, other control frames fail the test).</summary>
    public async Task<InboundMessage> WaitForMessageAsync(Func<InboundMessage, bool> match)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var frame = await ReadFrameAsync(deadline - DateTime.UtcNow);
            Assert.True(frame.Opcode == 0x2, $"expected a binary frame, got opcode {frame.Opcode} (close code {frame.CloseCode})");
            if (frame.Payload.Length > 1 && InboundMessage.Parse(frame.Payload) is var message && match(message))
            {
                return message;
            }
        }
    }

    /// <summary>
    /// Sends a WebSocket Ping and reads until its Pong; returns the frames that came before it. The server handles a
    /// socket's frames in order, so the Pong proves that it processed everything sent before, and it queues its frames in
    /// order, so anything it sent before handling the Ping is among the frames returned. Control frames never count as
    /// traffic for the idle timeout or the server Ping.
    /// </summary>
    public async Task<IReadOnlyList<WireFrame>> PingPongAsync()
    {
        var payload = BitConverter.GetBytes(NextMask());
        await SendFrameAsync(0x9, payload);
        var before = new List<WireFrame>();
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var frame = await ReadFrameAsync(deadline - DateTime.UtcNow);
            if (frame.Opcode == 0xA && frame.Payload.AsSpan().SequenceEqual(payload))
            {
                return before;
            }

            Assert.True(frame.Opcode != 0x8, $"expected the pong, got a close frame (close code {frame.CloseCode})");
            before.Add(frame);
        }
    }

    /// <summary>Sends an Auth message and waits for Authenticated.</summary>
    public async Task AuthenticateAsync(string document)
    {
        await SendMessageAsync(Messages.Auth(document, ""));
        var answer = await WaitForMessageAsync(m => m.Address == document && m.Type == MessageType.Auth);
        var decoder = new Lib0Decoder(answer.Frame);
        decoder.ReadVarString();
        decoder.ReadVarUInt();
        Assert.Equal(AuthMessageType.Authenticated, (AuthMessageType)decoder.ReadVarUInt());
    }

    /// <summary>Reads frames until the server's close frame; answers it (unless told not to) and returns its code.</summary>
    public async Task<int> WaitForCloseAsync(bool answer = true)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var frame = await ReadFrameAsync(deadline - DateTime.UtcNow);
            Assert.False(frame.Masked, "server frames are never masked");
            if (frame.Opcode != 0x8)
            {
                continue;
            }

            if (answer)
            {
                try
                {
                    await SendFrameAsync(0x8, frame.Payload.Length >= 2 ? frame.Payload[..2] : []);
                }
                catch (IOException)
                {
                    // the server did not wait for the answer
                }
            }

            return frame.CloseCode;
        }
    }

    /// <summary>True when the server ends the TCP connection (FIN or reset) within the patience, with no more data before.</summary>
    public async Task<bool> EndsAsync()
    {
        using var cts = Timeout(Patience);
        try
        {
            return _end == _start && !await FillAsync(cts.Token);
        }
        catch (IOException)
        {
            return _end == _start;
        }
    }

    /// <summary>An HTTP response: head, then the body when it has a Content-Length or is chunked.</summary>
    public async Task<HttpAnswer> ReadAnswerAsync()
    {
        using var cts = Timeout(Patience);
        var head = await ReadLineBlockAsync(cts.Token);
        var lines = head.Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }

        var body = new MemoryStream();
        if (headers.TryGetValue("Content-Length", out var length))
        {
            await ReadBodyAsync(body, int.Parse(length, System.Globalization.CultureInfo.InvariantCulture), cts.Token);
        }
        else if (headers.TryGetValue("Transfer-Encoding", out var encoding) && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            while (true)
            {
                var size = Convert.ToInt32((await ReadLineAsync(cts.Token)).Split(';')[0].Trim(), 16);
                await ReadBodyAsync(body, size, cts.Token);
                await ReadLineAsync(cts.Token);
                if (size == 0)
                {
                    break;
                }
            }
        }

        return new HttpAnswer(status, headers, Encoding.UTF8.GetString(body.ToArray()));
    }

    private Task<string> ReadLineBlockAsync(CancellationToken ct) => ReadUntilAsync("\r\n\r\n"u8.ToArray(), "HTTP head", ct);

    private Task<string> ReadLineAsync(CancellationToken ct) => ReadUntilAsync("\r\n"u8.ToArray(), "line", ct);

    /// <summary>The ASCII text before the next <paramref name="delimiter"/> (consumed with it).</summary>
    private async Task<string> ReadUntilAsync(byte[] delimiter, string what, CancellationToken ct)
    {
        while (true)
        {
            var index = _buffer.AsSpan(_start, _end - _start).IndexOf(delimiter);
            if (index >= 0)
            {
                var text = Encoding.ASCII.GetString(_buffer, _start, index);
                _start += index + delimiter.Length;
                return text;
            }

            if (!await FillAsync(ct))
            {
                throw new EndOfStreamException($"the server closed the connection before a complete {what}");
            }
        }
    }

    private async Task ReadBodyAsync(MemoryStream body, int length, CancellationToken ct)
    {
        while (_end - _start < length)
        {
            if (!await FillAsync(ct))
            {
                throw new EndOfStreamException("the server closed the connection before the end of the body");
            }
        }

        body.Write(_buffer, _start, length);
        _start += length;
    }

    /// <summary>Reads more bytes into the buffer; false at the end of the stream.</summary>
    private async Task<bool> FillAsync(CancellationToken ct)
    {
        int n;
        try
        {
            n = await _stream.ReadAsync(_chunk, ct);
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException("the server sent nothing in time");
        }

        if (n == 0)
        {
            return false;
        }

        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        if (_end + n > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _end + n));
        }

        Buffer.BlockCopy(_chunk, 0, _buffer, _end, n);
        _end += n;
        return true;
    }

    private uint NextMask()
    {
        _maskSeed = unchecked((_maskSeed * 1103515245) + 12345);
        return (uint)_maskSeed | 0x01010101;
    }

    private static CancellationTokenSource Timeout(TimeSpan timeout)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(timeout > TimeSpan.Zero ? timeout : TimeSpan.FromMilliseconds(1));
        return cts;
    }

    public ValueTask DisposeAsync()
    {
        _tcp.Dispose();
        return default;
    }
}
