using System.Buffers.Binary;
using System.IO.Hashing;

namespace Collab.Persistence.Storage;

/// <summary>
/// The self-checking envelope in which the file-system and S3 stores keep one document (one file or object each):
/// <code>
///  0  magic "CLYD"            4 bytes
///  4  format version (1)       1 byte, then 3 zero bytes
///  8  name length              uint32 LE   (UTF-8 bytes)
/// 12  zero                     4 bytes
/// 16  state length             uint64 LE
/// 24  updated at               int64 LE    (Unix milliseconds)
/// 32  name                     UTF-8
///  …  header checksum          uint32 LE   CRC-32 of everything before it
///  …  state                    the Yjs update, as given
///  …  state checksum           16 bytes    XxHash128 of the state
/// </code>
/// The full name makes hashed keys listable and lets a load tell a key collision from its own document; the lengths
/// and checksums make any truncation or bit flip a <see cref="DocumentStoreCorruptedException"/>, never a short state.
/// </summary>
internal static class StoredDocumentFormat
{
    public const int FixedHeaderLength = 32;
    public const int TrailerLength = 16;
    private const byte Version = 1;
    private static ReadOnlySpan<byte> Magic => "CLYD"u8;

    /// <summary>Everything in a stored object besides the state.</summary>
    public static long Overhead(int nameLength) => FixedHeaderLength + nameLength + 4L + TrailerLength;

    /// <summary>The header: fixed fields, name, header checksum.</summary>
    public static byte[] Header(ReadOnlySpan<byte> name, long stateLength, DateTimeOffset updatedAt)
    {
        var header = new byte[FixedHeaderLength + name.Length + 4];
        Magic.CopyTo(header);
        header[4] = Version;
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8), (uint)name.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(16), (ulong)stateLength);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(24), updatedAt.ToUnixTimeMilliseconds());
        name.CopyTo(header.AsSpan(FixedHeaderLength));
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(FixedHeaderLength + name.Length), Crc32.HashToUInt32(header.AsSpan(0, FixedHeaderLength + name.Length)));
        return header;
    }

    /// <summary>The trailer: the state's checksum.</summary>
    public static byte[] Trailer(ReadOnlySpan<byte> state) => XxHash128.Hash(state);

    /// <summary>The whole envelope in one array (for an upload of known length).</summary>
    public static byte[] Serialize(ReadOnlySpan<byte> name, ReadOnlySpan<byte> state, DateTimeOffset updatedAt)
    {
        var header = Header(name, state.Length, updatedAt);
        var result = new byte[header.Length + state.Length + TrailerLength];
        header.CopyTo(result.AsSpan());
        state.CopyTo(result.AsSpan(header.Length));
        XxHash128.Hash(state, result.AsSpan(header.Length + state.Length));
        return result;
    }

    /// <summary>
    /// Reads and checks the header. <paramref name="totalLength"/>, when known (a file's length, an object's size), must
    /// match the lengths in the header exactly. <paramref name="what"/> names the document or key in errors.
    /// </summary>
    public static async Task<StoredHeader> ReadHeaderAsync(Stream stream, long? totalLength, string what, CancellationToken cancellationToken)
    {
        var fixedPart = new byte[FixedHeaderLength];
        await ReadExactlyAsync(stream, fixedPart, what, cancellationToken);
        if (!fixedPart.AsSpan(0, 4).SequenceEqual(Magic))
        {
            throw new DocumentStoreCorruptedException(what, "the data does not start with the document format's marker.");
        }

        if (fixedPart[4] != Version)
        {
            throw new DocumentStoreCorruptedException(what, $"format version {fixedPart[4]} is not one this build reads (it reads {Version}).");
        }

        var nameLength = BinaryPrimitives.ReadUInt32LittleEndian(fixedPart.AsSpan(8));
        if (nameLength > DocumentKeys.MaxNameBytes)
        {
            throw new DocumentStoreCorruptedException(what, $"the header gives a name of {nameLength} bytes, more than any name can have.");
        }

        var rest = new byte[nameLength + 4];
        await ReadExactlyAsync(stream, rest, what, cancellationToken);
        var crc = new Crc32();
        crc.Append(fixedPart);
        crc.Append(rest.AsSpan(0, (int)nameLength));
        if (crc.GetCurrentHashAsUInt32() != BinaryPrimitives.ReadUInt32LittleEndian(rest.AsSpan((int)nameLength)))
        {
            throw new DocumentStoreCorruptedException(what, "the header checksum does not match.");
        }

        var stateLength = BinaryPrimitives.ReadUInt64LittleEndian(fixedPart.AsSpan(16));
        if (stateLength > (ulong)Array.MaxLength)
        {
            throw new DocumentStoreCorruptedException(what, $"the header gives a state of {stateLength} bytes, more than one array can hold.");
        }

        var expected = Overhead((int)nameLength) + (long)stateLength;
        if (totalLength is { } total && total != expected)
        {
            throw new DocumentStoreCorruptedException(what, $"it is {total} bytes long where its header says {expected} (truncated or overwritten).");
        }

        var updatedAt = DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64LittleEndian(fixedPart.AsSpan(24)));
        return new StoredHeader(rest.AsSpan(0, (int)nameLength).ToArray(), (long)stateLength, updatedAt);
    }

    /// <summary>Reads the state after <paramref name="header"/>, checks its checksum and that nothing follows it.</summary>
    public static async Task<byte[]> ReadStateAsync(Stream stream, StoredHeader header, string what, CancellationToken cancellationToken)
    {
        var state = new byte[header.StateLength];
        await ReadExactlyAsync(stream, state, what, cancellationToken);
        var trailer = new byte[TrailerLength];
        await ReadExactlyAsync(stream, trailer, what, cancellationToken);
        if (!XxHash128.Hash(state).AsSpan().SequenceEqual(trailer))
        {
            throw new DocumentStoreCorruptedException(what, "the checksum of the stored state does not match.");
        }

        if (await stream.ReadAsync(new byte[1], cancellationToken) != 0)
        {
            throw new DocumentStoreCorruptedException(what, "data follows the end of the stored state.");
        }

        return state.Length > 0 ? state : throw new DocumentStoreCorruptedException(what, "the stored state is empty.");
    }

    private static async Task ReadExactlyAsync(Stream stream, Memory<byte> buffer, string what, CancellationToken cancellationToken)
    {
        try
        {
            await stream.ReadExactlyAsync(buffer, cancellationToken);
        }
        catch (EndOfStreamException e)
        {
            throw new DocumentStoreCorruptedException(what, "the data ends before the lengths in its header say (truncated).", e);
        }
    }
}

/// <summary>What the header of a stored document says.</summary>
internal sealed record StoredHeader(byte[] NameBytes, long StateLength, DateTimeOffset UpdatedAt);
