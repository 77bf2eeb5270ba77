using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Threading.Tasks.Sources;

namespace Collab.SyncServer.Connections.WebSockets;

/// <summary>
/// Gathers the socket sends of one wake-up of the broadcast flusher and submits them with one system call (io_uring)
/// instead of one <c>send</c> each. Besides the system calls this saves the switches: on a machine where the receivers
/// run too (a proxy in front, a load generator), every send wakes one of them and the kernel may switch to it when
/// the sender returns to user space, which with one call per burst happens once per burst instead of every few sends.
/// </summary>
/// <remarks>
/// <para>
/// Between <see cref="Begin"/> and <see cref="End"/> on the flusher thread, <see cref="DirectSocketWriter.FlushAsync"/>
/// copies the frame into native memory (the GC never moves it), holds the socket handle (its descriptor cannot be
/// closed and reused meanwhile) and returns a flush that completes when the batch does. The socket's sender waits for
/// that flush before it writes again, as for any pipe, so each socket keeps its order; a socket gets at most one send
/// per batch.
/// </para>
/// <para>
/// Sends are non-blocking (MSG_DONTWAIT): what a slowly reading client does not take at once (a short count or EAGAIN)
/// is copied out and sent by the writer's asynchronous path before its flush completes. A send that fails completes the
/// flush with an <see cref="IOException"/> (the sender drops the socket). If the ring itself fails, the sends it did not
/// take go the asynchronous way too and batching stops.
/// </para>
/// </remarks>
internal sealed unsafe class SendBatch : IDisposable
{
    /// <summary>Frames larger than this are sent directly.</summary>
    public const int MaxFrame = 16 * 1024;

    private const int ArenaBytes = 256 * 1024;
    private const uint RingEntries = 256;
    private const int EAgain = 11;
    private const int Unknown = int.MinValue;

    [ThreadStatic]
    private static SendBatch? t_open;

    private readonly IoUring _ring;
    private readonly byte* _arena;
    private readonly List<Entry> _entries = [];
    private readonly List<(DirectSocketWriter Writer, PendingFlush Pending, int Result, byte[]? Remainder)> _done = [];
    private int[] _results = new int[RingEntries];
    private int _used;
    private bool _broken;

    private SendBatch(IoUring ring)
    {
        _ring = ring;
        _arena = (byte*)NativeMemory.Alloc(ArenaBytes);
    }

    /// <summary>The batch open on this thread, if any.</summary>
    public static SendBatch? Open => t_open;

    /// <summary>
    /// True while this thread's open batch holds socket handles: disposing one of those sockets here would wait for
    /// the batch, which cannot end while this thread waits (<see cref="FrameSocket.Abort"/> defers instead).
    /// </summary>
    public static bool HoldsHandles => t_open is { _entries.Count: > 0 };

    /// <summary>A batch with its own ring, or null with the reason (no io_uring here: sends stay one call each).</summary>
    public static SendBatch? TryCreate(out string? reason)
    {
        var ring = IoUring.TryCreate(RingEntries, out reason);
        return ring is null ? null : new SendBatch(ring);
    }

    /// <summary>Opens the batch on this thread: flushes of direct writers are gathered until <see cref="End"/>.</summary>
    public void Begin()
    {
        if (!_broken)
        {
            t_open = this;
        }
    }

    /// <summary>Submits what was gathered and completes the flushes (their continuations run here, outside the batch).</summary>
    public void End()
    {
        t_open = null;
        Complete();
    }

    /// <summary>Queues <paramref name="frame"/> for <paramref name="socket"/>; the flush completes when the batch does.</summary>
    public ValueTask<FlushResult> Queue(DirectSocketWriter writer, Socket socket, ReadOnlySpan<byte> frame)
    {
        if (_used + frame.Length > ArenaBytes || _ring.Queued >= _ring.Entries)
        {
            // full: submit what is there (outside the batch, so that continuations send directly), then go on
            t_open = null;
            Complete();
            t_open = _broken ? null : this;
        }

        SafeSocketHandle handle;
        var added = false;
        try
        {
            handle = socket.SafeHandle;
            handle.DangerousAddRef(ref added);
        }
        catch (ObjectDisposedException e)
        {
            return ValueTask.FromException<FlushResult>(new IOException("The socket is closed.", e));
        }

        var offset = _used;
        frame.CopyTo(new Span<byte>(_arena + offset, frame.Length));
        if (!_ring.TryQueueSend((int)handle.DangerousGetHandle(), _arena + offset, frame.Length, (ulong)_entries.Count))
        {
            // the check above leaves room: a full ring here is a bug, reported to the sender as a transport failure
            handle.DangerousRelease();
            return ValueTask.FromException<FlushResult>(new IOException("The io_uring submission queue is full."));
        }

        _used += frame.Length;
        var pending = PendingFlush.Rent();
        _entries.Add(new Entry(writer, handle, offset, frame.Length, pending));
        return new ValueTask<FlushResult>(pending, pending.Version);
    }

    private void Complete()
    {
        var count = _entries.Count;
        if (count == 0)
        {
            return;
        }

        if (_results.Length < count)
        {
            _results = new int[count];
        }

        var queued = (int)_ring.Queued;
        var submitted = queued;
        try
        {
            _ring.Submit();
        }
        catch (IOException)
        {
            submitted = queued - (int)_ring.DiscardQueued();
            _broken = true;
        }

        // every entry was queued since the last submission, in order (user data = index): the first `submitted`
        // were taken by the kernel; wait for each of their completions
        var open = submitted;
        for (var i = 0; i < count; i++)
        {
            // not taken: send it the asynchronous way; taken: unknown until its completion is read
            _results[i] = i < submitted ? Unknown : -EAgain;
        }

        try
        {
            while (open > 0)
            {
                if (!_ring.TryReap(out var userData, out var result))
                {
                    _ring.WaitForCompletion();
                    continue;
                }

                _results[(int)userData] = result;
                open--;
            }
        }
        catch (Exception e) when (e is IOException or IndexOutOfRangeException)
        {
            // the ring failed while sends were in the kernel's hands: whether they left is unknown, so those sockets
            // fail (their clients reconnect and sync) rather than risk a gap or a duplicate; batching stops
            _broken = true;
        }

        // let go of every descriptor and copy out what still has to be sent before anything else runs: completing a
        // flush runs its sender's continuation here, which may close a socket (Socket.Dispose waits for the handle's
        // other users) or start new sends
        var done = _done;
        done.Clear();
        for (var i = 0; i < count; i++)
        {
            var (writer, handle, offset, length, pending) = _entries[i];
            handle.DangerousRelease();
            var result = _results[i];
            byte[]? rest = null;
            if (result != length && (result >= 0 || result == -EAgain))
            {
                var sent = Math.Max(result, 0);
                rest = ArrayPool<byte>.Shared.Rent(length - sent);
                new ReadOnlySpan<byte>(_arena + offset + sent, length - sent).CopyTo(rest);
                result = length - sent; // from here: the length of the rest
            }

            done.Add((writer, pending, result, rest));
        }

        _entries.Clear();
        _used = 0;
        foreach (var (writer, pending, result, rest) in done)
        {
            if (rest is not null)
            {
                writer.SendRemainder(rest, result, pending);
            }
            else if (result >= 0)
            {
                pending.SetResult(default);
            }
            else
            {
                pending.SetException(new IOException(result == Unknown ? "The batched send's outcome is unknown (io_uring failed)." : $"Send failed (errno {-result})."));
            }
        }

        done.Clear();
    }

    public void Dispose()
    {
        t_open = null;
        Complete();
        _ring.Dispose();
        NativeMemory.Free(_arena);
    }

    private readonly record struct Entry(DirectSocketWriter Writer, SafeSocketHandle Handle, int Offset, int Length, PendingFlush Pending);
}

/// <summary>A flush that completes when its batch (or the asynchronous remainder) does; pooled, reset when its result is read.</summary>
internal sealed class PendingFlush : IValueTaskSource<FlushResult>
{
    private static readonly ConcurrentQueue<PendingFlush> Pool = new();
    private ManualResetValueTaskSourceCore<FlushResult> _core;

    public short Version => _core.Version;

    public static PendingFlush Rent() => Pool.TryDequeue(out var pending) ? pending : new PendingFlush();

    public void SetResult(FlushResult result) => _core.SetResult(result);

    public void SetException(Exception error) => _core.SetException(error);

    public FlushResult GetResult(short token)
    {
        try
        {
            return _core.GetResult(token);
        }
        finally
        {
            _core.Reset();
            Pool.Enqueue(this);
        }
    }

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
