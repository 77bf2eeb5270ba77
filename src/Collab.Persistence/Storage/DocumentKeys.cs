using System.Security.Cryptography;
using System.Text;

namespace Collab.Persistence.Storage;

/// <summary>
/// Maps document names (any Unicode string) to storage keys that are safe as file names and S3 object keys, and back.
/// </summary>
/// <remarks>
/// <para>
/// The scheme: the name is encoded as UTF-8 and each byte becomes either itself, when it is one of <c>a-z</c>,
/// <c>0-9</c> or <c>-</c>, or <c>_</c> followed by its two lower-case hex digits (so <c>"Notes/ä"</c> becomes
/// <c>_4eotes_2f_c3_a4</c>). A key therefore only holds <c>[a-z0-9_-]</c> (and <c>~</c>, below): no path separator,
/// no dot (so never <c>.</c> or <c>..</c>), nothing a shell or a URL treats specially, and no upper case, so two keys
/// never differ only in case and a case-insensitive file system (macOS, Windows) cannot merge two documents. Keys that
/// would spell a Windows device name (<c>con</c>, <c>nul</c>, <c>com1</c>…) have their first character escaped.
/// </para>
/// <para>
/// Encoded names longer than <see cref="MaxPlainKeyLength"/> characters, and the empty name, are hashed: the first
/// escape-aligned characters of the encoding up to <see cref="ReadablePrefixLength"/>, then <c>~</c>, then the 64 hex
/// digits of the SHA-256 of the UTF-8 name. Keys are thus at most 215 characters, below the 255-byte file-name limit
/// of common file systems with room for an extension, and far below S3's 1,024 bytes. A hashed key cannot be decoded:
/// the stores keep the full name inside the stored object (see <see cref="StoredDocumentFormat"/>), read it back to
/// list such documents, and compare it on load and store, so even a SHA-256 collision could not hand out or overwrite
/// another document's data. Plain keys never contain <c>~</c>, so a plain and a hashed key never coincide.
/// </para>
/// <para>
/// Every string is a legal name except one holding a lone UTF-16 surrogate (it has no UTF-8 form; encoding it
/// lossily would let two names share a key) or longer than <see cref="MaxNameBytes"/> UTF-8 bytes: those throw
/// <see cref="ArgumentException"/>. Names order by their UTF-8 bytes (Unicode code point order), like SQLite's
/// <c>ORDER BY name</c>.
/// </para>
/// </remarks>
public static class DocumentKeys
{
    /// <summary>The longest key stored as is; longer encodings are hashed.</summary>
    public const int MaxPlainKeyLength = 200;

    /// <summary>How much of a hashed key's encoding is kept (rounded down to a whole escape) before <c>~</c> and the hash.</summary>
    public const int ReadablePrefixLength = 150;

    /// <summary>The longest document name accepted, in UTF-8 bytes.</summary>
    public const int MaxNameBytes = 16 * 1024;

    /// <summary>The character between a hashed key's readable prefix and its hash.</summary>
    public const char HashSeparator = '~';

    private const char Escape = '_';
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private static readonly string[] DeviceNames =
    [
        "con", "prn", "aux", "nul",
        "com0", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8", "com9",
        "lpt0", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
    ];

    /// <summary>Orders names like the stores list them: by UTF-8 bytes, which is Unicode code point order.</summary>
    public static IComparer<string> NameOrder { get; } = Comparer<string>.Create(CompareNames);

    /// <summary>The UTF-8 bytes of a legal document name.</summary>
    /// <exception cref="ArgumentException">The name holds a lone surrogate or is longer than <see cref="MaxNameBytes"/>.</exception>
    public static byte[] NameBytes(string documentName)
    {
        ArgumentNullException.ThrowIfNull(documentName);
        byte[] bytes;
        try
        {
            bytes = StrictUtf8.GetBytes(documentName);
        }
        catch (EncoderFallbackException e)
        {
            throw new ArgumentException("A document name cannot hold a lone UTF-16 surrogate (it has no UTF-8 form).", nameof(documentName), e);
        }

        return bytes.Length <= MaxNameBytes
            ? bytes
            : throw new ArgumentException($"A document name is limited to {MaxNameBytes} UTF-8 bytes; this one has {bytes.Length}.", nameof(documentName));
    }

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="documentName"/> is a legal name (allocates nothing).</summary>
    public static void Validate(string documentName)
    {
        ArgumentNullException.ThrowIfNull(documentName);
        int length;
        try
        {
            length = StrictUtf8.GetByteCount(documentName);
        }
        catch (EncoderFallbackException e)
        {
            throw new ArgumentException("A document name cannot hold a lone UTF-16 surrogate (it has no UTF-8 form).", nameof(documentName), e);
        }

        if (length > MaxNameBytes)
        {
            throw new ArgumentException($"A document name is limited to {MaxNameBytes} UTF-8 bytes; this one has {length}.", nameof(documentName));
        }
    }

    /// <summary>The storage key of a document name.</summary>
    public static string Encode(string documentName) => Encode(NameBytes(documentName));

    /// <summary>True when <paramref name="key"/> is hashed (the name cannot be read back from it).</summary>
    public static bool IsHashed(string key) => key.Contains(HashSeparator, StringComparison.Ordinal);

    /// <summary>
    /// The name a plain key stands for; for a hashed key, the bytes its readable prefix decodes to (the start of the
    /// name's UTF-8, possibly ending inside a character). Null when <paramref name="key"/> is not a key this scheme writes
    /// (a stray or foreign file).
    /// </summary>
    public static byte[]? DecodeBytes(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var separator = key.IndexOf(HashSeparator, StringComparison.Ordinal);
        var encoded = separator < 0 ? key.AsSpan() : key.AsSpan(0, separator);
        if (separator >= 0 && !IsHash(key.AsSpan(separator + 1)))
        {
            return null;
        }

        var bytes = new List<byte>(encoded.Length);
        for (var i = 0; i < encoded.Length; i++)
        {
            var c = encoded[i];
            if (IsPlain(c))
            {
                bytes.Add((byte)c);
            }
            else if (c == Escape && i + 2 < encoded.Length && IsLowerHex(encoded[i + 1]) && IsLowerHex(encoded[i + 2]))
            {
                bytes.Add(Convert.FromHexString(encoded.Slice(i + 1, 2))[0]);
                i += 2;
            }
            else
            {
                return null;
            }
        }

        var result = bytes.ToArray();
        // only the canonical form: a plain key that does not re-encode to itself is not one of ours
        return separator >= 0 || (Valid(result) && Encode(result) == key) ? result : null;
    }

    /// <summary>The document name of a plain key; null for a hashed key or a key this scheme does not write.</summary>
    public static string? TryDecode(string key) =>
        !IsHashed(key) && DecodeBytes(key) is { } bytes ? StrictUtf8.GetString(bytes) : null;

    /// <summary>
    /// The longest start of the key of any name beginning with <paramref name="namePrefix"/> that every such key,
    /// plain or hashed, begins with: a key-prefix filter for listing (S3's <c>Prefix</c>).
    /// </summary>
    public static string KeyPrefix(string namePrefix)
    {
        var encoded = EncodeAll(NameBytes(namePrefix));
        // the readable part of a hashed key keeps whole escapes up to ReadablePrefixLength; device-name escaping changes
        // the first character of a few short keys, so a prefix of a device name filters nothing
        if (Array.Exists(DeviceNames, d => d.StartsWith(encoded, StringComparison.Ordinal)))
        {
            return "";
        }

        return encoded.Length <= ReadablePrefixLength ? encoded : encoded[..AlignedCut(encoded, ReadablePrefixLength)];
    }

    /// <summary>Compares two names by their UTF-8 bytes (code point order).</summary>
    public static int CompareNames(string? x, string? y)
    {
        if (x is null || y is null)
        {
            return x is null ? (y is null ? 0 : -1) : 1;
        }

        // UTF-16 ordinal order equals code point order except between surrogates and U+E000..U+FFFF
        var length = Math.Min(x.Length, y.Length);
        for (var i = 0; i < length; i++)
        {
            var a = x[i];
            var b = y[i];
            if (a != b)
            {
                return Fixup(a).CompareTo(Fixup(b));
            }
        }

        return x.Length.CompareTo(y.Length);
    }

    internal static string Encode(byte[] nameBytes)
    {
        var encoded = EncodeAll(nameBytes);
        if (nameBytes.Length > 0 && encoded.Length <= MaxPlainKeyLength)
        {
            return encoded.Length <= 4 && Array.IndexOf(DeviceNames, encoded) >= 0
                ? $"{Escape}{nameBytes[0]:x2}{encoded[1..]}"
                : encoded;
        }

        var readable = encoded.Length <= ReadablePrefixLength ? encoded : encoded[..AlignedCut(encoded, ReadablePrefixLength)];
        return readable + HashSeparator + Convert.ToHexStringLower(SHA256.HashData(nameBytes));
    }

    private static string EncodeAll(byte[] nameBytes)
    {
        var builder = new StringBuilder(nameBytes.Length * 3);
        foreach (var b in nameBytes)
        {
            if (IsPlain((char)b))
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append(Escape).Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    // the largest position <= limit that does not split an escape (escapes are "_xx")
    private static int AlignedCut(string encoded, int limit)
    {
        var cut = Math.Min(limit, encoded.Length);
        for (var i = Math.Max(0, cut - 2); i < cut; i++)
        {
            if (encoded[i] == Escape)
            {
                return i;
            }
        }

        return cut;
    }

    private static bool Valid(byte[] bytes)
    {
        try
        {
            _ = StrictUtf8.GetCharCount(bytes);
            return bytes.Length is > 0 and <= MaxNameBytes;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    private static bool IsPlain(char c) => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-';

    private static bool IsLowerHex(char c) => c is (>= '0' and <= '9') or (>= 'a' and <= 'f');

    private static bool IsHash(ReadOnlySpan<char> hash)
    {
        if (hash.Length != 64)
        {
            return false;
        }

        foreach (var c in hash)
        {
            if (!IsLowerHex(c))
            {
                return false;
            }
        }

        return true;
    }

    private static int Fixup(char c) => c >= 0xE000 ? c - 0x800 : (char.IsSurrogate(c) ? c + 0x2000 : c);
}
