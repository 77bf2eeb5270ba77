using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Collab.SyncServer.Extensions.Webhook;

/// <summary>Conversions between request data, connection contexts and JSON for webhook payloads.</summary>
internal static class WebhookJson
{
    private static readonly JsonSerializerOptions ContextOptions = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        ReferenceHandler = ReferenceHandler.IgnoreCycles,
        MaxDepth = 32,
    };

    public static JsonObject Headers(IHeaderDictionary headers)
    {
        var json = new JsonObject();
        foreach (var (name, values) in headers)
        {
            json[name.ToLowerInvariant()] = values.ToString();
        }

        return json;
    }

    public static JsonObject Parameters(IQueryCollection query)
    {
        var json = new JsonObject();
        foreach (var (name, values) in query)
        {
            json[name] = values.ToString();
        }

        return json;
    }

    /// <summary>The context as JSON; entries that cannot be serialised are left out rather than failing the event.</summary>
    public static JsonObject Context(IDictionary<string, object?> context)
    {
        var json = new JsonObject();
        foreach (var (key, value) in context.ToArray())
        {
            try
            {
                json[key] = value is null ? null : JsonSerializer.SerializeToNode(value, value.GetType(), ContextOptions);
            }
            catch (Exception e) when (e is NotSupportedException or InvalidOperationException or JsonException or ArgumentException)
            {
                // A value only meaningful inside the server (a service, a socket…): not part of the webhook payload.
            }
        }

        return json;
    }

    /// <summary>A JSON value as plain .NET values (string, double, bool, null, dictionaries, lists) for the connection context.</summary>
    public static object? ToPlain(JsonNode? node) => node switch
    {
        null => null,
        JsonObject o => o.ToDictionary(p => p.Key, p => ToPlain(p.Value)),
        JsonArray a => a.Select(ToPlain).ToList(),
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v when v.TryGetValue<bool>(out var b) => b,
        JsonValue v when v.TryGetValue<double>(out var d) => d,
        _ => node.ToJsonString(),
    };
}
