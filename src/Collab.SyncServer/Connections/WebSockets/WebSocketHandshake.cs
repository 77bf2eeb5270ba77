using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace Collab.SyncServer.Connections.WebSockets;

/// <summary>A parsed upgrade request: path, query string (with its '?'), request target, headers.</summary>
internal readonly record struct UpgradeRequest(string Path, string QueryString, string RawTarget, IHeaderDictionary Headers);

/// <summary>The RFC 6455 opening handshake: validation of the client's request and the server's answer.</summary>
internal static class WebSocketHandshake
{
    /// <summary>Bytes of a request head read before the direct path gives the connection to Kestrel's HTTP stack.</summary>
    public const int MaxRequestHeadBytes = 16 * 1024;

    private const int MaxHeaders = 64;

    private static readonly byte[] HeadEnd = "\r\n\r\n"u8.ToArray();

    /// <summary>Sec-WebSocket-Accept for a client's Sec-WebSocket-Key (RFC 6455 §4.2.2).</summary>
    public static string AcceptKey(string key) =>
        Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key.Trim() + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));

    /// <summary>
    /// True for <c>Sec-WebSocket-Version</c> 13 (RFC 6455) and 8 (the hybi-08 draft, framed the same way), the two
    /// versions the reference server's <c>ws</c> accepts; anything else is answered with 400.
    /// </summary>
    public static bool IsSupportedVersion(string? version) => version?.Trim() is "13" or "8";

    /// <summary>True when <paramref name="key"/> is the base64 of 16 bytes, as RFC 6455 requires.</summary>
    public static bool IsValidKey(string? key)
    {
        Span<byte> bytes = stackalloc byte[18];
        return key is { Length: 24 } && Convert.TryFromBase64String(key, bytes, out var length) && length == 16;
    }

    /// <summary>True when a header value holds <paramref name="token"/> in its comma-separated list (case-insensitive).</summary>
    public static bool HasToken(StringValues values, string token)
    {
        foreach (var value in values)
        {
            foreach (var part in (value ?? "").Split(','))
            {
                if (part.Trim().Equals(token, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>The 101 answer for the direct path.</summary>
    public static byte[] SwitchingProtocols(string key) =>
        Encoding.ASCII.GetBytes($"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {AcceptKey(key)}\r\n\r\n");

    /// <summary>A refusal with an empty body, after which the connection closes.</summary>
    public static byte[] Refusal(int status) =>
        Encoding.ASCII.GetBytes($"HTTP/1.1 {status} {ReasonPhrases.GetReasonPhrase(status)}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");

    /// <summary>The outcome of looking at the first bytes of a connection.</summary>
    public enum ParseStatus
    {
        /// <summary>The request head is not complete yet.</summary>
        NeedMore,

        /// <summary>A plain, well-formed HTTP/1.1 WebSocket upgrade (GET, no body, ASCII only, version 13, valid key).</summary>
        Upgrade,

        /// <summary>Anything else: HTTP/2, another request, an unusual or invalid one — Kestrel's HTTP stack handles it.</summary>
        Other,
    }

    /// <summary>
    /// Parses an HTTP/1.1 request head when it is a WebSocket upgrade this server can answer without Kestrel's HTTP
    /// stack. Conservative: whatever is unusual (percent-escapes or dot segments in the path, non-ASCII header bytes,
    /// a body, duplicate or missing upgrade headers) is <see cref="ParseStatus.Other"/>, so that the usual pipeline
    /// (with its own validation and error answers) sees it.
    /// </summary>
    public static ParseStatus TryParse(ReadOnlySequence<byte> buffer, out UpgradeRequest request, out long headLength)
    {
        request = default;
        headLength = 0;
        var reader = new SequenceReader<byte>(buffer);
        if (!reader.TryReadTo(out ReadOnlySequence<byte> head, HeadEnd, advancePastDelimiter: true))
        {
            // wait for the rest of the head, but only as long as it can still be a plain upgrade
            return buffer.Length > MaxRequestHeadBytes || !StartsLikeGet(buffer) ? ParseStatus.Other : ParseStatus.NeedMore;
        }

        headLength = reader.Consumed;
        if (head.Length > MaxRequestHeadBytes)
        {
            return ParseStatus.Other;
        }

        var text = Encoding.ASCII.GetString(head);
        foreach (var c in text)
        {
            if (c is (< ' ' and not '\r' and not '\n' and not '\t') or > '~')
            {
                return ParseStatus.Other;
            }
        }

        var lines = text.Split("\r\n");
        var requestLine = lines[0];
        if (!requestLine.StartsWith("GET /", StringComparison.Ordinal) || !requestLine.EndsWith(" HTTP/1.1", StringComparison.Ordinal))
        {
            return ParseStatus.Other;
        }

        var target = requestLine[4..^9];
        if (target.Contains(' ', StringComparison.Ordinal) || target.Contains('%', StringComparison.Ordinal) || target.Contains('#', StringComparison.Ordinal))
        {
            return ParseStatus.Other;
        }

        var question = target.IndexOf('?', StringComparison.Ordinal);
        var path = question < 0 ? target : target[..question];
        if (path.Contains("//", StringComparison.Ordinal) || path.Contains("/.", StringComparison.Ordinal) || path.Contains('\\', StringComparison.Ordinal))
        {
            return ParseStatus.Other;
        }

        if (lines.Length - 1 > MaxHeaders)
        {
            return ParseStatus.Other;
        }

        IHeaderDictionary headers = new CompactHeaderDictionary(lines.Length - 1);
        for (var i = 1; i < lines.Length; i++)
        {
            var line = lines[i];
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || line[..colon].AsSpan().IndexOfAny(" \t\"(),/;<=>?@[\\]{}") >= 0)
            {
                return ParseStatus.Other;
            }

            var name = Intern(line[..colon]);
            var value = line[(colon + 1)..].Trim(' ', '\t');
            if (SharedValueHeaders.Contains(name))
            {
                value = Intern(value);
            }

            headers[name] = StringValues.Concat(headers[name], value);
        }

        if (headers.Host.Count != 1 || headers.ContentLength is not null || headers.TransferEncoding.Count > 0
            || headers.SecWebSocketKey.Count != 1 || !IsValidKey(headers.SecWebSocketKey[0])
            || headers.SecWebSocketVersion.Count != 1 || !IsSupportedVersion(headers.SecWebSocketVersion[0])
            || !HasToken(headers.Upgrade, "websocket") || !HasToken(headers.Connection, "upgrade"))
        {
            return ParseStatus.Other;
        }

        request = new UpgradeRequest(Intern(path), question < 0 ? "" : target[question..], question < 0 ? Intern(target) : target, headers);
        return ParseStatus.Upgrade;
    }

    /// <summary>
    /// The same string instance for header names and short values that thousands of sockets repeat (Host, Upgrade,
    /// websocket, 13, the path), so that an idle socket does not keep its own copies. Bounded, so that clients cannot
    /// grow it without limit.
    /// </summary>
    private static string Intern(string value)
    {
        if (value.Length > 64)
        {
            return value;
        }

        if (Interned.TryGetValue(value, out var shared))
        {
            return shared;
        }

        if (Interned.Count < 1024)
        {
            Interned.TryAdd(value, value);
        }

        return value;
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> Interned = new(StringComparer.Ordinal);

    /// <summary>Headers whose values repeat across clients (never keys, tokens or cookies).</summary>
    private static readonly HashSet<string> SharedValueHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Upgrade", "Connection", "Sec-WebSocket-Version", "Sec-WebSocket-Extensions", "Origin", "User-Agent",
        "Accept-Encoding", "Accept-Language", "Cache-Control", "Pragma",
    };

    private static bool StartsLikeGet(ReadOnlySequence<byte> buffer)
    {
        Span<byte> start = stackalloc byte[4];
        var length = (int)Math.Min(4, buffer.Length);
        buffer.Slice(0, length).CopyTo(start);
        return "GET "u8[..length].SequenceEqual(start[..length]);
    }
}
