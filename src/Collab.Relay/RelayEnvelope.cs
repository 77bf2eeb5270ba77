using System.Text;

namespace Collab.Relay;

/// <summary>
/// The versioned binary envelope every transport carries in the message value (no reliance on Kafka record headers or
/// Redis channel names). Version 1:
/// <code>
/// 0xC0 · version (1) · kind (u8) · origin · document · target · id (16 bytes) · payload (to the end)
/// </code>
/// where origin, document and target are lib0 varStrings (a varUint byte length, then UTF-8; an empty target means
/// every instance). A reader rejects another first byte, an unknown version or kind, truncated fields, lengths beyond
/// the limits and invalid UTF-8 with <see cref="RelayEnvelopeException"/>; it never throws anything else.
/// </summary>
public static class RelayEnvelope
{
    /// <summary>The first byte of every envelope.</summary>
    public const byte Magic = 0xC0;

    /// <summary>The version this code writes and reads.</summary>
    public const byte Version = 1;

    /// <summary>The longest instance identifier, in UTF-8 bytes.</summary>
    public const int MaxInstanceBytes = 255;

    /// <summary>The longest document or event name, in UTF-8 bytes.</summary>
    public const int MaxDocumentBytes = 64 * 1024;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Encodes a message.</summary>
    /// <param name="message">The message.</param>
    /// <returns>The envelope bytes.</returns>
    /// <exception cref="ArgumentException">An identifier or name is longer than the limits.</exception>
    public static byte[] Encode(RelayMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var origin = Bytes(message.Origin, MaxInstanceBytes, nameof(message.Origin));
        var document = Bytes(message.Document, MaxDocumentBytes, nameof(message.Document));
        var target = Bytes(message.Target ?? "", MaxInstanceBytes, nameof(message.Target));
        var length = 3 + VarLength(origin.Length) + origin.Length + VarLength(document.Length) + document.Length
            + VarLength(target.Length) + target.Length + 16 + message.Payload.Length;
        var buffer = new byte[length];
        buffer[0] = Magic;
        buffer[1] = Version;
        buffer[2] = (byte)message.Kind;
        var at = 3;
        at = WriteString(buffer, at, origin);
        at = WriteString(buffer, at, document);
        at = WriteString(buffer, at, target);
        message.Id.TryWriteBytes(buffer.AsSpan(at, 16));
        at += 16;
        message.Payload.Span.CopyTo(buffer.AsSpan(at));
        return buffer;
    }

    /// <summary>Decodes an envelope; the payload is a slice of <paramref name="envelope"/>, not a copy.</summary>
    /// <param name="envelope">The bytes.</param>
    /// <returns>The message.</returns>
    /// <exception cref="RelayEnvelopeException">The bytes are not a valid envelope of a version this code reads.</exception>
    public static RelayMessage Decode(ReadOnlyMemory<byte> envelope)
    {
        var span = envelope.Span;
        var kind = ReadHeader(span);
        var at = 3;
        var origin = ReadString(span, ref at, MaxInstanceBytes, "origin");
        var document = ReadString(span, ref at, MaxDocumentBytes, "document");
        var target = ReadString(span, ref at, MaxInstanceBytes, "target");
        if (span.Length - at < 16)
        {
            throw new RelayEnvelopeException("Relay envelope truncated in its id.");
        }

        var id = new Guid(span.Slice(at, 16));
        at += 16;
        if (origin.Length == 0)
        {
            throw new RelayEnvelopeException("Relay envelope has no origin instance.");
        }

        return new RelayMessage(kind, document, origin, target.Length == 0 ? null : target, id, envelope[at..]);
    }

    /// <summary>Reads only the origin instance, to drop an instance's own messages before decoding the rest.</summary>
    /// <param name="envelope">The bytes.</param>
    /// <param name="origin">The origin's UTF-8 bytes.</param>
    /// <returns>False when the bytes are not an envelope this code reads (then <see cref="Decode"/> says why).</returns>
    public static bool TryPeekOrigin(ReadOnlySpan<byte> envelope, out ReadOnlySpan<byte> origin)
    {
        origin = default;
        if (envelope.Length < 4 || envelope[0] != Magic || envelope[1] != Version)
        {
            return false;
        }

        var at = 3;
        if (!TryReadVarUint(envelope, ref at, out var length) || length > MaxInstanceBytes || (ulong)(envelope.Length - at) < length)
        {
            return false;
        }

        origin = envelope.Slice(at, (int)length);
        return true;
    }

    private static RelayKind ReadHeader(ReadOnlySpan<byte> span)
    {
        if (span.Length < 3)
        {
            throw new RelayEnvelopeException($"Relay envelope of {span.Length} bytes is too short.");
        }

        if (span[0] != Magic)
        {
            throw new RelayEnvelopeException($"Not a relay envelope (first byte 0x{span[0]:x2}, expected 0x{Magic:x2}).");
        }

        if (span[1] != Version)
        {
            throw new RelayEnvelopeException($"Relay envelope version {span[1]} is unknown (this instance reads version {Version}).");
        }

        var kind = (RelayKind)span[2];
        if (!Enum.IsDefined(kind))
        {
            throw new RelayEnvelopeException($"Relay message kind {span[2]} is unknown.");
        }

        return kind;
    }

    private static byte[] Bytes(string value, int limit, string name)
    {
        ArgumentNullException.ThrowIfNull(value, name);
        var bytes = StrictUtf8.GetBytes(value);
        if (bytes.Length > limit)
        {
            throw new ArgumentException($"{name} is {bytes.Length} UTF-8 bytes long; a relay envelope allows {limit}.", name);
        }

        return bytes;
    }

    private static int VarLength(int value)
    {
        var length = 1;
        for (var v = (uint)value; v >= 0x80; v >>= 7)
        {
            length++;
        }

        return length;
    }

    private static int WriteString(byte[] buffer, int at, byte[] value)
    {
        var v = (uint)value.Length;
        while (v >= 0x80)
        {
            buffer[at++] = (byte)(v | 0x80);
            v >>= 7;
        }

        buffer[at++] = (byte)v;
        value.CopyTo(buffer, at);
        return at + value.Length;
    }

    private static string ReadString(ReadOnlySpan<byte> span, ref int at, int limit, string field)
    {
        if (!TryReadVarUint(span, ref at, out var length))
        {
            throw new RelayEnvelopeException($"Relay envelope truncated in the length of its {field}.");
        }

        if (length > (ulong)limit)
        {
            throw new RelayEnvelopeException($"Relay envelope's {field} claims {length} bytes; at most {limit} are allowed.");
        }

        if ((ulong)(span.Length - at) < length)
        {
            throw new RelayEnvelopeException($"Relay envelope truncated in its {field}.");
        }

        try
        {
            var value = StrictUtf8.GetString(span.Slice(at, (int)length));
            at += (int)length;
            return value;
        }
        catch (DecoderFallbackException)
        {
            throw new RelayEnvelopeException($"Relay envelope's {field} is not valid UTF-8.");
        }
    }

    private static bool TryReadVarUint(ReadOnlySpan<byte> span, ref int at, out ulong value)
    {
        value = 0;
        for (var shift = 0; shift < 35; shift += 7)
        {
            if (at >= span.Length)
            {
                return false;
            }

            var b = span[at++];
            value |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80)
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>Bytes that are not a relay envelope this instance can read.</summary>
/// <param name="message">Why.</param>
public sealed class RelayEnvelopeException(string message) : Exception(message);
