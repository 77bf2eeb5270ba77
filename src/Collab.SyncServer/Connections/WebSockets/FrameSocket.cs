using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;

namespace Collab.SyncServer.Connections.WebSockets;

/// <summary>What <see cref="FrameSocket.ReceiveAsync"/> found.</summary>
internal enum FrameKind
{
    /// <summary>A complete binary message (<see cref="InboundFrame.Payload"/>).</summary>
    Binary,

    /// <summary>The first frame of a text message; the message itself is skipped.</summary>
    Text,

    /// <summary>A message above the size limit; it is skipped.</summary>
    TooBig,

    /// <summary>The server-wide budget of partially received messages is spent; the socket must close (1013).</summary>
    Overloaded,

    /// <summary>A ping; <see cref="InboundFrame.Payload"/> is what the pong must carry.</summary>
    Ping,

    /// <summary>A violation of RFC 6455 framing; nothing more can be read.</summary>
    ProtocolError,

    /// <summary>The peer's close frame (<see cref="InboundFrame.CloseCode"/>) or the end of the connection.</summary>
    Closed,
}

/// <summary>One result of <see cref="FrameSocket.ReceiveAsync"/>.</summary>
internal readonly record struct InboundFrame(FrameKind Kind, byte[] Payload, int CloseCode = 0);

/// <summary>
/// The server side of RFC 6455 framing, directly on a connection's pipes: no per-socket buffer (frames are parsed
/// where the transport put them, each message is unmasked once into its own array), no extensions, no
/// subprotocols. Reading is for one loop; writing (<see cref="Write"/>, <see cref="FlushAsync"/>) for one writer at
/// a time — the socket's <see cref="SocketSender"/>.
/// </summary>
/// <remarks>
/// A message's buffer grows with the bytes that arrive (doubling, capped at what the frame announced), never from the
/// announced length alone: a header that announces 64 MiB costs nothing until the bytes come. Every byte a buffer holds
/// is taken from the server's <see cref="MessageBufferBudget"/> and given back when the message is handed on, skipped,
/// or the socket ends (<see cref="ReleaseBuffers"/>).
/// </remarks>
internal sealed class FrameSocket(PipeReader input, PipeWriter output, Action abort, int maxMessageBytes, MessageBufferBudget? budget = null)
{
    /// <summary>The first buffer of a message that arrives in pieces (a message that is all there gets its exact size).</summary>
    private const int InitialMessageBuffer = 4096;

    public const byte OpContinuation = 0x0;
    public const byte OpText = 0x1;
    public const byte OpBinary = 0x2;
    public const byte OpClose = 0x8;
    public const byte OpPing = 0x9;
    public const byte OpPong = 0xA;

    /// <summary>RFC 6455 §7.4.1: 1002, the peer broke the framing rules.</summary>
    public const int ProtocolErrorCode = 1002;

    /// <summary>Close code for a close frame whose reason is not UTF-8 (invalid frame payload data).</summary>
    public const int InvalidPayloadCode = 1007;

    private const int MaxControlPayload = 125;

    // the data frame being read (its header is consumed; payload bytes remain)
    private long _payloadRemaining;
    private uint _mask;
    private int _maskOffset;
    private bool _frameFin;
    private bool _inFrame;

    // the message being assembled (several frames when fragmented)
    private bool _inMessage;
    private bool _skipMessage;
    private bool _overloaded;
    private byte[]? _message;
    private int _messageLength;

    private volatile bool _closeReceived;
    private int _aborted;
    private int _maxMessageBytes = maxMessageBytes;

    /// <summary>
    /// The largest message accepted from now on (a socket starts with the pre-authentication limit and gets the full
    /// one once it authenticates); a message already being received is held to the limit it started under.
    /// </summary>
    public int MaxMessageBytes
    {
        get => Volatile.Read(ref _maxMessageBytes);
        set => Volatile.Write(ref _maxMessageBytes, value);
    }

    /// <summary>Gives a partial message's buffer back to the budget (the socket ended); idempotent.</summary>
    public void ReleaseBuffers()
    {
        var held = Interlocked.Exchange(ref _message, null);
        _messageLength = 0;
        budget?.Release(held?.Length ?? 0);
    }

    /// <summary>True once the peer's close frame (or the end of its stream) was read.</summary>
    public bool CloseReceived => _closeReceived;

    /// <summary>Drops the connection at once (a peer that does not read, or the end of a close handshake that timed out).</summary>
    public void Abort()
    {
        if (Interlocked.Exchange(ref _aborted, 1) == 0)
        {
            if (SendBatch.HoldsHandles)
            {
                // the transport disposes the socket, which waits for the handles the open batch holds: not here
                ThreadPool.UnsafeQueueUserWorkItem(static a => a(), abort, preferLocal: false);
            }
            else
            {
                abort();
            }
        }
    }

    /// <summary>The next complete message or control event. Never throws for what the peer sends; a broken transport ends as <see cref="FrameKind.Closed"/>.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<InboundFrame> ReceiveAsync()
    {
        while (true)
        {
            if (TryReceive(out var frame))
            {
                return frame;
            }

            ReadResult result;
            try
            {
                result = await input.ReadAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (IsTransportFailure(e))
            {
                return Vanished();
            }

            if (TryConsume(result, out frame))
            {
                return frame;
            }
        }
    }

    /// <summary>
    /// The next frame from bytes that have already arrived, without waiting; false when more must be read
    /// (<see cref="ReadAsync"/>, then <see cref="TryConsume"/>). With <see cref="ReadAsync"/> a receive loop can
    /// await the transport directly and keep no state machine of this class while a socket is idle.
    /// </summary>
    public bool TryReceive(out InboundFrame frame)
    {
        try
        {
            if (input.TryRead(out var result))
            {
                return TryConsume(result, out frame);
            }
        }
        catch (Exception e) when (IsTransportFailure(e))
        {
            frame = Vanished();
            return true;
        }

        frame = default;
        return false;
    }

    /// <summary>Waits for more bytes; hand the result to <see cref="TryConsume"/>. Transport failures throw (see <see cref="IsTransportFailure"/>).</summary>
    public ValueTask<ReadResult> ReadAsync() => input.ReadAsync();

    /// <summary>Parses what <see cref="ReadAsync"/> returned; false when the frame is not complete yet.</summary>
    public bool TryConsume(ReadResult result, out InboundFrame frame)
    {
        try
        {
            var buffer = result.Buffer;
            var found = Parse(ref buffer, out frame);
            // what was parsed is consumed; without a result everything was examined, so the next read waits for more
            input.AdvanceTo(buffer.Start, found ? buffer.Start : buffer.End);
            if (found)
            {
                if (frame.Kind is FrameKind.Closed or FrameKind.ProtocolError)
                {
                    _closeReceived = true;
                }

                return true;
            }

            if (result.IsCompleted || result.IsCanceled)
            {
                frame = Vanished();
                return true;
            }

            return false;
        }
        catch (Exception e) when (IsTransportFailure(e))
        {
            frame = Vanished();
            return true;
        }
    }

    /// <summary>The exceptions a read or advance throws when the connection is gone (reported as a 1006 close).</summary>
    public static bool IsTransportFailure(Exception e) =>
        e is IOException or ObjectDisposedException or InvalidOperationException or OperationCanceledException
            or Microsoft.AspNetCore.Connections.ConnectionResetException or Microsoft.AspNetCore.Connections.ConnectionAbortedException;

    /// <summary>The frame a receive reports when the connection ended without a close frame.</summary>
    public InboundFrame Vanished()
    {
        _closeReceived = true;
        return new InboundFrame(FrameKind.Closed, [], 1006);
    }

    /// <summary>Consumes frames from <paramref name="buffer"/> until one yields a result; false when more bytes are needed.</summary>
    private bool Parse(ref ReadOnlySequence<byte> buffer, out InboundFrame frame)
    {
        Span<byte> head = stackalloc byte[14];
        while (true)
        {
            if (_inFrame)
            {
                var complete = ReadPayload(ref buffer);
                if (_overloaded)
                {
                    _overloaded = false;
                    frame = new InboundFrame(FrameKind.Overloaded, []);
                    return true;
                }

                if (!complete)
                {
                    frame = default;
                    return false;
                }

                if (_frameFin)
                {
                    _inMessage = false;
                    var skipped = _skipMessage;
                    _skipMessage = false;
                    var message = _message;
                    var messageLength = _messageLength;
                    _message = null;
                    _messageLength = 0;
                    // handed on (or dropped): no longer a partial message
                    budget?.Release(message?.Length ?? 0);
                    if (!skipped)
                    {
                        frame = new InboundFrame(FrameKind.Binary, message is null ? [] : message.Length == messageLength ? message : message.AsSpan(0, messageLength).ToArray());
                        return true;
                    }
                }

                continue;
            }

            if (buffer.IsEmpty)
            {
                frame = default;
                return false;
            }

            var available = (int)Math.Min(buffer.Length, 14);
            buffer.Slice(0, available).CopyTo(head);
            if (available < 2)
            {
                frame = default;
                return false;
            }

            var fin = (head[0] & 0x80) != 0;
            var opcode = (byte)(head[0] & 0x0F);
            var masked = (head[1] & 0x80) != 0;
            long length = head[1] & 0x7F;
            var headerLength = 2 + (length == 126 ? 2 : length == 127 ? 8 : 0) + 4;
            if ((head[0] & 0x70) != 0 || !masked || opcode is > OpBinary and < OpClose or > OpPong)
            {
                // reserved bits without an extension, an unmasked client frame, an unknown opcode
                return Fail(out frame);
            }

            if (available < headerLength)
            {
                frame = default;
                return false;
            }

            if (length == 126)
            {
                length = BinaryPrimitives.ReadUInt16BigEndian(head[2..]);
            }
            else if (length == 127)
            {
                length = (long)BinaryPrimitives.ReadUInt64BigEndian(head[2..]);
                if (length < 0)
                {
                    return Fail(out frame);
                }
            }

            var mask = BinaryPrimitives.ReadUInt32LittleEndian(head[(headerLength - 4)..]);
            if (opcode >= OpClose)
            {
                if (!fin || length > MaxControlPayload)
                {
                    return Fail(out frame);
                }

                if (buffer.Length < headerLength + length)
                {
                    frame = default;
                    return false;
                }

                var payload = buffer.Slice(headerLength, length).ToArray();
                Unmask(payload, mask, 0);
                buffer = buffer.Slice(headerLength + length);
                switch (opcode)
                {
                    case OpPing:
                        frame = new InboundFrame(FrameKind.Ping, payload);
                        return true;
                    case OpPong:
                        continue;
                    default:
                        frame = CloseFrame(payload);
                        return true;
                }
            }

            // a data frame: a continuation needs a message in progress, a new message needs none
            if ((opcode == OpContinuation) != _inMessage)
            {
                return Fail(out frame);
            }

            buffer = buffer.Slice(headerLength);
            _inFrame = true;
            _frameFin = fin;
            _payloadRemaining = length;
            _mask = mask;
            _maskOffset = 0;
            if (!_inMessage)
            {
                _inMessage = true;
                if (opcode == OpText)
                {
                    _skipMessage = true;
                    frame = new InboundFrame(FrameKind.Text, []);
                    return true;
                }
            }

            if (!_skipMessage && _messageLength + length > MaxMessageBytes)
            {
                SkipMessage();
                frame = new InboundFrame(FrameKind.TooBig, []);
                return true;
            }
        }
    }

    /// <summary>Drops the message being assembled (its remaining frames are read and discarded).</summary>
    private void SkipMessage()
    {
        _skipMessage = true;
        budget?.Release(_message?.Length ?? 0);
        _message = null;
        _messageLength = 0;
    }

    /// <summary>Copies (unmasked) what is available of the current frame's payload; true when the frame is complete.</summary>
    private bool ReadPayload(ref ReadOnlySequence<byte> buffer)
    {
        var take = (int)Math.Min(_payloadRemaining, buffer.Length);
        if (take > 0)
        {
            if (!_skipMessage && !Reserve(take))
            {
                // the server-wide budget is spent: this socket closes (1013); its message is dropped
                SkipMessage();
                _overloaded = true;
            }

            if (!_skipMessage)
            {
                var target = _message.AsSpan(_messageLength, take);
                buffer.Slice(0, take).CopyTo(target);
                Unmask(target, _mask, _maskOffset);
                _messageLength += take;
            }

            _maskOffset = (_maskOffset + take) & 3;
            _payloadRemaining -= take;
            buffer = buffer.Slice(take);
        }

        if (_payloadRemaining > 0)
        {
            return false;
        }

        _inFrame = false;
        return true;
    }

    /// <summary>
    /// Makes room for <paramref name="more"/> arriving bytes: the buffer doubles (copying stays linear in the message),
    /// starting at <see cref="InitialMessageBuffer"/>, but never past what the current frame still announces. False when
    /// the budget refuses the growth.
    /// </summary>
    private bool Reserve(int more)
    {
        var needed = _messageLength + more;
        var current = _message?.Length ?? 0;
        if (current >= needed)
        {
            return true;
        }

        // what this frame announced is an upper bound, not an allocation: _payloadRemaining still includes 'more'
        var announced = _messageLength + _payloadRemaining;
        var size = (int)Math.Max(needed, Math.Min(announced, Math.Max(InitialMessageBuffer, (long)current * 2)));
        if (budget is not null && !budget.TryTake(size - current))
        {
            return false;
        }

        var grown = new byte[size];
        _message?.AsSpan(0, _messageLength).CopyTo(grown);
        _message = grown;
        return true;
    }

    private static InboundFrame CloseFrame(byte[] payload)
    {
        if (payload.Length == 0)
        {
            return new InboundFrame(FrameKind.Closed, [], 1005);
        }

        if (payload.Length == 1)
        {
            return new InboundFrame(FrameKind.ProtocolError, [], ProtocolErrorCode);
        }

        // RFC 6455 §7.4: codes a peer may send (as the ws library accepts them: the IANA-registered 1012–1014 too);
        // 1004–1006 and 1015 are reserved, 1016–2999 unassigned, 5000 and up undefined
        var code = BinaryPrimitives.ReadUInt16BigEndian(payload);
        if (!(code is >= 1000 and <= 1014 and not (1004 or 1005 or 1006) or >= 3000 and <= 4999))
        {
            return new InboundFrame(FrameKind.ProtocolError, [], ProtocolErrorCode);
        }

        // the reason must be UTF-8 (§8.1): otherwise 1007
        return System.Text.Unicode.Utf8.IsValid(payload.AsSpan(2))
            ? new InboundFrame(FrameKind.Closed, [], code)
            : new InboundFrame(FrameKind.ProtocolError, [], InvalidPayloadCode);
    }

    private static bool Fail(out InboundFrame frame)
    {
        frame = new InboundFrame(FrameKind.ProtocolError, [], ProtocolErrorCode);
        return true;
    }

    /// <summary>XORs <paramref name="data"/> with the 4-byte mask, starting at mask byte <paramref name="offset"/>.</summary>
    private static void Unmask(Span<byte> data, uint mask, int offset)
    {
        if (mask == 0 || data.IsEmpty)
        {
            return;
        }

        // rotate so that byte 0 of the data meets mask byte `offset`
        var rotated = offset == 0 ? mask : (mask >> (offset * 8)) | (mask << (32 - (offset * 8)));
        var wide = ((ulong)rotated << 32) | rotated;
        var i = 0;
        for (; i + 8 <= data.Length; i += 8)
        {
            var chunk = BinaryPrimitives.ReadUInt64LittleEndian(data[i..]);
            BinaryPrimitives.WriteUInt64LittleEndian(data[i..], chunk ^ wide);
        }

        for (; i < data.Length; i++)
        {
            data[i] ^= (byte)(rotated >> ((i & 3) * 8));
        }
    }

    /// <summary>Writes one unfragmented frame (not flushed).</summary>
    public void Write(byte opcode, ReadOnlySpan<byte> payload)
    {
        var header = output.GetSpan(10);
        header[0] = (byte)(0x80 | opcode);
        int headerLength;
        if (payload.Length < 126)
        {
            header[1] = (byte)payload.Length;
            headerLength = 2;
        }
        else if (payload.Length <= ushort.MaxValue)
        {
            header[1] = 126;
            BinaryPrimitives.WriteUInt16BigEndian(header[2..], (ushort)payload.Length);
            headerLength = 4;
        }
        else
        {
            header[1] = 127;
            BinaryPrimitives.WriteUInt64BigEndian(header[2..], (ulong)payload.Length);
            headerLength = 10;
        }

        output.Advance(headerLength);
        output.Write(payload);
    }

    /// <summary>Writes a close frame with a code and a reason cut to the 123 bytes a close frame can carry (not flushed).</summary>
    public void WriteClose(int code, string reason)
    {
        Span<byte> payload = stackalloc byte[MaxControlPayload];
        BinaryPrimitives.WriteUInt16BigEndian(payload, (ushort)code);
        var length = 2;
        foreach (var rune in reason.EnumerateRunes())
        {
            if (length + rune.Utf8SequenceLength > MaxControlPayload)
            {
                break;
            }

            length += rune.EncodeToUtf8(payload[length..]);
        }

        Write(OpClose, payload[..length]);
    }

    /// <summary>Sends what was written.</summary>
    public ValueTask<FlushResult> FlushAsync() => output.FlushAsync();
}
