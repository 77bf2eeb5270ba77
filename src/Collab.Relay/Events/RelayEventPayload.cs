using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Collab.Relay.Events;

/// <summary>
/// The payload of a <see cref="RelayKind.Event"/> message: one type byte (<see cref="RelayEventKind"/>: <c>'d'</c> JSON,
/// <c>'s'</c> string, <c>'b'</c> bytes), then the data (UTF-8 JSON, UTF-8 text, raw bytes). This is Hypha's Kafka key
/// prefix (<c>d:</c>, <c>s:</c>, <c>b:</c>) moved into the value, since the relay envelope carries no key.
/// </summary>
internal static class RelayEventPayload
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Why a payload could not be read.</summary>
    public enum Problem
    {
        None,
        Empty,
        UnknownType,
        InvalidJson,
        InvalidUtf8,
    }

    public static ReadOnlyMemory<byte> EncodeJson(object? value)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        buffer.GetSpan(1)[0] = (byte)RelayEventKind.Json;
        buffer.Advance(1);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            JsonSerializer.Serialize(writer, value, value?.GetType() ?? typeof(object), JsonSerializerOptions.Web);
        }

        return buffer.WrittenMemory;
    }

    public static ReadOnlyMemory<byte> EncodeString(string text)
    {
        var payload = new byte[1 + Encoding.UTF8.GetByteCount(text)];
        payload[0] = (byte)RelayEventKind.String;
        Encoding.UTF8.GetBytes(text, payload.AsSpan(1));
        return payload;
    }

    public static ReadOnlyMemory<byte> EncodeBinary(ReadOnlySpan<byte> data)
    {
        var payload = new byte[1 + data.Length];
        payload[0] = (byte)RelayEventKind.Binary;
        data.CopyTo(payload.AsSpan(1));
        return payload;
    }

    /// <summary>Reads a payload into an event; never throws for malformed bytes.</summary>
    public static Problem TryDecode(RelayMessage message, bool isLocal, out RelayEvent? relayEvent)
    {
        relayEvent = null;
        var payload = message.Payload;
        if (payload.IsEmpty)
        {
            return Problem.Empty;
        }

        var kind = (RelayEventKind)payload.Span[0];
        var data = payload[1..];
        JsonElement json = default;
        string? text = null;
        switch (kind)
        {
            case RelayEventKind.Json:
                try
                {
                    using var document = JsonDocument.Parse(data);
                    json = document.RootElement.Clone();
                }
                catch (JsonException)
                {
                    return Problem.InvalidJson;
                }

                break;
            case RelayEventKind.String:
                try
                {
                    text = StrictUtf8.GetString(data.Span);
                }
                catch (DecoderFallbackException)
                {
                    return Problem.InvalidUtf8;
                }

                break;
            case RelayEventKind.Binary:
                break;
            default:
                return Problem.UnknownType;
        }

        relayEvent = new RelayEvent(message.Document, kind, data, json, text, message.Origin, message.Id, isLocal);
        return Problem.None;
    }
}
