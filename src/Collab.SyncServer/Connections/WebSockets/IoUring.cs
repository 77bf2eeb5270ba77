using System.Runtime.InteropServices;

namespace Collab.SyncServer.Connections.WebSockets;

/// <summary>
/// A minimal Linux io_uring used for one thing: submitting many non-blocking socket sends with one system call
/// (<see cref="SendBatch"/>). Raw <c>io_uring_setup</c> / <c>io_uring_enter</c> and the shared rings; one
/// submitting thread at a time (the caller's responsibility), no SQPOLL, no registered buffers.
/// </summary>
internal sealed unsafe class IoUring : IDisposable
{
    private const long SysIoUringSetup = 425; // the same number on every architecture (added after the unification)
    private const long SysIoUringEnter = 426;
    private const uint EnterGetEvents = 1;
    private const uint FeatSingleMmap = 1;
    private const byte OpSend = 26;
    private const long OffSqRing = 0;
    private const long OffCqRing = 0x8000000;
    private const long OffSqes = 0x10000000;
    private const int ProtReadWrite = 0x1 | 0x2;
    private const int MapSharedPopulate = 0x01 | 0x8000;
    private const int EIntr = 4;

    /// <summary>MSG_DONTWAIT | MSG_NOSIGNAL: a send never waits (a full socket buffer completes with EAGAIN or a short count).</summary>
    private const uint SendFlags = 0x40 | 0x4000;

    private readonly int _fd;
    private readonly byte* _sqRing;
    private readonly nuint _sqRingSize;
    private readonly byte* _cqRing;
    private readonly nuint _cqRingSize;
    private readonly byte* _sqes;
    private readonly nuint _sqesSize;
    private readonly uint* _sqHead;
    private readonly uint* _sqTail;
    private readonly uint _sqMask;
    private readonly uint* _sqArray;
    private readonly uint* _cqHead;
    private readonly uint* _cqTail;
    private readonly uint _cqMask;
    private readonly byte* _cqes;
    private uint _queued; // submission entries written since the last Submit
    private bool _disposed;

    private IoUring(int fd, in Params p)
    {
        _fd = fd;
        Entries = p.SqEntries;
        _sqRingSize = p.SqOff.Array + (p.SqEntries * sizeof(uint));
        _cqRingSize = p.CqOff.Cqes + (p.CqEntries * 16u);
        if ((p.Features & FeatSingleMmap) != 0)
        {
            _sqRingSize = _cqRingSize = Math.Max(_sqRingSize, _cqRingSize);
        }

        _sqRing = Map(_sqRingSize, OffSqRing);
        _cqRing = (p.Features & FeatSingleMmap) != 0 ? _sqRing : Map(_cqRingSize, OffCqRing);
        _sqesSize = p.SqEntries * 64u;
        _sqes = Map(_sqesSize, OffSqes);
        _sqHead = (uint*)(_sqRing + p.SqOff.Head);
        _sqTail = (uint*)(_sqRing + p.SqOff.Tail);
        _sqMask = *(uint*)(_sqRing + p.SqOff.RingMask);
        _sqArray = (uint*)(_sqRing + p.SqOff.Array);
        _cqHead = (uint*)(_cqRing + p.CqOff.Head);
        _cqTail = (uint*)(_cqRing + p.CqOff.Tail);
        _cqMask = *(uint*)(_cqRing + p.CqOff.RingMask);
        _cqes = _cqRing + p.CqOff.Cqes;
    }

    /// <summary>Submission entries (the most sends one <see cref="Submit"/> takes).</summary>
    public uint Entries { get; }

    /// <summary>Sends written and not yet submitted.</summary>
    public uint Queued => _queued;

    /// <summary>A ring with <paramref name="entries"/> entries, or null with the reason (not Linux, refused by the kernel or a seccomp profile).</summary>
    public static IoUring? TryCreate(uint entries, out string? reason)
    {
        reason = null;
        if (!OperatingSystem.IsLinux())
        {
            reason = "not Linux";
            return null;
        }

        try
        {
            var p = default(Params);
            var fd = (int)Syscall(SysIoUringSetup, entries, &p);
            if (fd < 0)
            {
                reason = $"io_uring_setup failed (errno {Marshal.GetLastPInvokeError()})";
                return null;
            }

            try
            {
                return new IoUring(fd, p);
            }
            catch
            {
                _ = Close(fd);
                throw;
            }
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException or IOException)
        {
            reason = e.Message;
            return null;
        }
    }

    /// <summary>Writes a send of <paramref name="length"/> bytes at <paramref name="data"/> to <paramref name="fd"/>; false when the ring is full.</summary>
    public bool TryQueueSend(int fd, byte* data, int length, ulong userData)
    {
        var tail = *_sqTail;
        if (tail - Volatile.Read(ref *_sqHead) >= Entries)
        {
            return false;
        }

        var index = tail & _sqMask;
        var sqe = _sqes + (index * 64);
        new Span<byte>(sqe, 64).Clear();
        sqe[0] = OpSend;
        *(int*)(sqe + 4) = fd;
        *(ulong*)(sqe + 16) = (ulong)data;
        *(uint*)(sqe + 24) = (uint)length;
        *(uint*)(sqe + 28) = SendFlags;
        *(ulong*)(sqe + 32) = userData;
        _sqArray[index] = index;
        Volatile.Write(ref *_sqTail, tail + 1);
        _queued++;
        return true;
    }

    /// <summary>
    /// Submits what was queued with one system call. Non-blocking sends complete during it, so their completions are
    /// there when it returns; <see cref="TryReap"/> reads them.
    /// </summary>
    public void Submit()
    {
        while (_queued > 0)
        {
            var submitted = Syscall(SysIoUringEnter, _fd, _queued, 0, EnterGetEvents, IntPtr.Zero, 0);
            if (submitted < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno == EIntr)
                {
                    continue;
                }

                throw new IOException($"io_uring_enter failed (errno {errno}).");
            }

            if (submitted == 0)
            {
                throw new IOException("io_uring_enter submitted nothing.");
            }

            _queued -= (uint)submitted;
        }
    }

    /// <summary>Drops what was queued and not submitted (after a failed <see cref="Submit"/>); returns how many.</summary>
    public uint DiscardQueued()
    {
        var dropped = _queued;
        Volatile.Write(ref *_sqTail, *_sqTail - dropped);
        _queued = 0;
        return dropped;
    }

    /// <summary>Waits until at least one completion is there (for sends the kernel finished later than the submission).</summary>
    public void WaitForCompletion()
    {
        while (Syscall(SysIoUringEnter, _fd, 0, 1, EnterGetEvents, IntPtr.Zero, 0) < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno != EIntr)
            {
                throw new IOException($"io_uring_enter failed (errno {errno}).");
            }
        }
    }

    /// <summary>The next completion: the send's user data and its result (bytes sent, or a negative errno).</summary>
    public bool TryReap(out ulong userData, out int result)
    {
        var head = *_cqHead;
        if (head == Volatile.Read(ref *_cqTail))
        {
            userData = 0;
            result = 0;
            return false;
        }

        var cqe = _cqes + ((head & _cqMask) * 16);
        userData = *(ulong*)cqe;
        result = *(int*)(cqe + 8);
        Volatile.Write(ref *_cqHead, head + 1);
        return true;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _ = Munmap(_sqes, _sqesSize);
        if (_cqRing != _sqRing)
        {
            _ = Munmap(_cqRing, _cqRingSize);
        }

        _ = Munmap(_sqRing, _sqRingSize);
        _ = Close(_fd);
    }

    private byte* Map(nuint size, long offset)
    {
        var address = Mmap(null, size, ProtReadWrite, MapSharedPopulate, _fd, offset);
        if (address == (void*)-1)
        {
            throw new IOException($"mmap of the io_uring rings failed (errno {Marshal.GetLastPInvokeError()}).");
        }

        return (byte*)address;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct SqOffsets
    {
        public uint Head;
        public uint Tail;
        public uint RingMask;
        public uint RingEntries;
        public uint Flags;
        public uint Dropped;
        public uint Array;
        public uint Resv1;
        public ulong UserAddr;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct CqOffsets
    {
        public uint Head;
        public uint Tail;
        public uint RingMask;
        public uint RingEntries;
        public uint Overflow;
        public uint Cqes;
        public uint Flags;
        public uint Resv1;
        public ulong UserAddr;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Params
    {
        public uint SqEntries;
        public uint CqEntries;
        public uint Flags;
        public uint SqThreadCpu;
        public uint SqThreadIdle;
        public uint Features;
        public uint WqFd;
        public uint Resv0;
        public uint Resv1;
        public uint Resv2;
        public SqOffsets SqOff;
        public CqOffsets CqOff;
    }

    [DllImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static extern long Syscall(long number, uint entries, Params* p);

    [DllImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static extern long Syscall(long number, int fd, uint toSubmit, uint minComplete, uint flags, IntPtr sig, long sigSize);

    [DllImport("libc", EntryPoint = "mmap", SetLastError = true)]
    private static extern void* Mmap(void* address, nuint length, int protection, int flags, int fd, long offset);

    [DllImport("libc", EntryPoint = "munmap", SetLastError = true)]
    private static extern int Munmap(void* address, nuint length);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int fd);
}
