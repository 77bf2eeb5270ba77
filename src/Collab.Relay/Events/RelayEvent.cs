using System.Text.Json;

namespace Collab.Relay.Events;

/// <summary>What the data of a <see cref="RelayEvent"/> is. The values are the payload's type byte (see <see cref="RelayEventBus"/>).</summary>
public enum RelayEventKind : byte
{
    /// <summary>A JSON value (Hypha's <c>d:</c>, a dictionary), type byte <c>'d'</c>.</summary>
    Json = (byte)'d',

    /// <summary>A string (Hypha's <c>s:</c>), type byte <c>'s'</c>.</summary>
    String = (byte)'s',

    /// <summary>Raw bytes (Hypha's <c>b:</c>), type byte <c>'b'</c>.</summary>
    Binary = (byte)'b',
}

/// <summary>
/// One event of the <see cref="RelayEventBus"/>: its name, its data (read with the accessor of its <see cref="Kind"/>),
/// the instance that emitted it and the id that makes redeliveries recognisable.
/// </summary>
public sealed class RelayEvent
{
    private readonly JsonElement _json;
    private readonly string? _text;
    private readonly ReadOnlyMemory<byte> _data;

    internal RelayEvent(string name, RelayEventKind kind, ReadOnlyMemory<byte> data, JsonElement json, string? text, string origin, Guid id, bool isLocal)
    {
        Name = name;
        Kind = kind;
        _data = data;
        _json = json;
        _text = text;
        Origin = origin;
        Id = id;
        IsLocal = isLocal;
    }

    /// <summary>The event name.</summary>
    public string Name { get; }

    /// <summary>What the data is; only the matching accessor (<see cref="Json"/>, <see cref="Text"/>, <see cref="Binary"/>) may be read.</summary>
    public RelayEventKind Kind { get; }

    /// <summary>The identifier of the instance that emitted the event.</summary>
    public string Origin { get; }

    /// <summary>The event's id: a redelivery of the same event carries the same id.</summary>
    public Guid Id { get; }

    /// <summary>True when this instance emitted the event (delivered to its own handlers without the transport).</summary>
    public bool IsLocal { get; }

    /// <summary>The JSON value of a <see cref="RelayEventKind.Json"/> event.</summary>
    /// <exception cref="InvalidOperationException">The event is of another kind.</exception>
    public JsonElement Json => Kind is RelayEventKind.Json ? _json : throw WrongKind(RelayEventKind.Json);

    /// <summary>The string of a <see cref="RelayEventKind.String"/> event.</summary>
    /// <exception cref="InvalidOperationException">The event is of another kind.</exception>
    public string Text => Kind is RelayEventKind.String ? _text! : throw WrongKind(RelayEventKind.String);

    /// <summary>The bytes of a <see cref="RelayEventKind.Binary"/> event (read-only; valid as long as the event is referenced).</summary>
    /// <exception cref="InvalidOperationException">The event is of another kind.</exception>
    public ReadOnlyMemory<byte> Binary => Kind is RelayEventKind.Binary ? _data : throw WrongKind(RelayEventKind.Binary);

    /// <summary>Deserializes the JSON value of a <see cref="RelayEventKind.Json"/> event with <see cref="JsonSerializerOptions.Web"/>.</summary>
    /// <typeparam name="T">The type to read.</typeparam>
    /// <returns>The value (default for JSON <c>null</c>).</returns>
    /// <exception cref="InvalidOperationException">The event is of another kind.</exception>
    /// <exception cref="JsonException">The JSON does not fit <typeparamref name="T"/>.</exception>
    public T? Deserialize<T>() => Json.Deserialize<T>(JsonSerializerOptions.Web);

    /// <summary>Describes the event for logs and test output.</summary>
    /// <returns>Name, kind, origin and id.</returns>
    public override string ToString() => $"{Name} ({Kind}) from {Origin}{(IsLocal ? " (local)" : "")} [{Id}]";

    private InvalidOperationException WrongKind(RelayEventKind wanted) =>
        new($"Event '{Name}' carries {Kind} data, not {wanted}.");
}
