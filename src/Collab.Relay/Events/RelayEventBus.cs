using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Collab.Relay.Events;

/// <summary>
/// Hypha's server-to-server event bus (<c>on</c>, <c>off</c>, <c>emit</c>, <c>wait_for</c>) over any
/// <see cref="IRelayBus"/>: an event emitted on one instance reaches the handlers of every instance, this one included.
/// </summary>
/// <remarks>
/// <para>
/// The bus is owned and started by someone else (the server's relay service), who passes every received message to
/// <see cref="HandleAsync"/>. Events travel as <see cref="RelayKind.Event"/> messages whose document field is the event
/// name and whose payload is one type byte followed by the data:
/// <c>'d'</c> (0x64) then UTF-8 JSON, <c>'s'</c> (0x73) then a UTF-8 string, <c>'b'</c> (0x62) then raw bytes
/// (see <see cref="RelayEventKind"/>). These are Hypha's Kafka key prefixes <c>d:</c>, <c>s:</c>, <c>b:</c> moved into
/// the value, because the relay envelope carries no key. An empty payload, an unknown type byte, invalid JSON or
/// invalid UTF-8 is logged and dropped.
/// </para>
/// <para>
/// Delivery is at least once: the ids of the events handled in the last <see cref="DuplicateWindow"/> (at most
/// <see cref="RememberedIds"/> of them, the oldest forgotten first) are remembered and a redelivery is dropped.
/// Handlers of an event run one after the other in registration order; an exception of one is logged and the next
/// still runs. A received event and a local emit may run handlers at the same time.
/// </para>
/// </remarks>
/// <param name="bus">The transport (started elsewhere; its receiver calls <see cref="HandleAsync"/>).</param>
/// <param name="logger">Logs dropped events and handler errors.</param>
/// <param name="time">The clock of the duplicate window and of <see cref="WaitForAsync"/>'s timeout.</param>
public sealed partial class RelayEventBus(IRelayBus bus, ILogger<RelayEventBus>? logger = null, TimeProvider? time = null)
{
    /// <summary>How long an event's id is remembered to drop redeliveries.</summary>
    public static readonly TimeSpan DuplicateWindow = TimeSpan.FromMinutes(10);

    /// <summary>The most event ids remembered at once (beyond it the oldest are forgotten).</summary>
    public const int RememberedIds = 100_000;

    private readonly IRelayBus _bus = bus ?? throw new ArgumentNullException(nameof(bus));
    private readonly ILogger _logger = logger ?? (ILogger)NullLogger.Instance;
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly RecentEventIds _seen = new(DuplicateWindow, RememberedIds, time ?? TimeProvider.System);
    private readonly RelayEventListeners _listeners = new();

    /// <summary>Adds a handler of an event (Hypha's <c>on</c>); it sees events of every instance, local emits included.</summary>
    /// <param name="eventName">The event name.</param>
    /// <param name="handler">Runs for each event, after the handlers registered before it; its exceptions are logged.</param>
    /// <returns>Removes this registration when disposed (other registrations of the same delegate stay).</returns>
    public IDisposable On(string eventName, Func<RelayEvent, ValueTask> handler)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventName);
        ArgumentNullException.ThrowIfNull(handler);
        return _listeners.On(eventName, handler);
    }

    /// <summary>Removes handlers of an event (Hypha's <c>off</c>). Pending <see cref="WaitForAsync"/> calls are not affected.</summary>
    /// <param name="eventName">The event name.</param>
    /// <param name="handler">The handler to remove (every registration of it), or null to remove all handlers of the event.</param>
    public void Off(string eventName, Func<RelayEvent, ValueTask>? handler = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventName);
        _listeners.Off(eventName, handler);
    }

    /// <summary>Emits a JSON event (Hypha's <c>emit</c> with a dictionary), serialized with <see cref="System.Text.Json.JsonSerializerOptions.Web"/>.</summary>
    /// <param name="eventName">The event name (at most <see cref="RelayEnvelope.MaxDocumentBytes"/> UTF-8 bytes).</param>
    /// <param name="value">The value, serialized by its runtime type (null: JSON <c>null</c>).</param>
    /// <returns>Completes after this instance's handlers ran and the transport accepted the event.</returns>
    /// <exception cref="RelayUnavailableException">
    /// The transport could not take the event. This instance's handlers have still seen it; whether to retry (other
    /// instances would then see it once, this one twice) or to give up is the caller's decision.
    /// </exception>
    public Task EmitJsonAsync(string eventName, object? value)
    {
        CheckName(eventName);
        return EmitAsync(eventName, RelayEventPayload.EncodeJson(value));
    }

    /// <summary>Emits a string event (Hypha's <c>emit</c> with a string).</summary>
    /// <param name="eventName">The event name (at most <see cref="RelayEnvelope.MaxDocumentBytes"/> UTF-8 bytes).</param>
    /// <param name="text">The string.</param>
    /// <returns>Completes after this instance's handlers ran and the transport accepted the event.</returns>
    /// <exception cref="RelayUnavailableException">The transport could not take the event; this instance's handlers have still seen it (see <see cref="EmitJsonAsync"/>).</exception>
    public Task EmitStringAsync(string eventName, string text)
    {
        CheckName(eventName);
        ArgumentNullException.ThrowIfNull(text);
        return EmitAsync(eventName, RelayEventPayload.EncodeString(text));
    }

    /// <summary>Emits a binary event (Hypha's <c>emit</c> with bytes); the bytes are copied.</summary>
    /// <param name="eventName">The event name (at most <see cref="RelayEnvelope.MaxDocumentBytes"/> UTF-8 bytes).</param>
    /// <param name="data">The bytes.</param>
    /// <returns>Completes after this instance's handlers ran and the transport accepted the event.</returns>
    /// <exception cref="RelayUnavailableException">The transport could not take the event; this instance's handlers have still seen it (see <see cref="EmitJsonAsync"/>).</exception>
    public Task EmitBinaryAsync(string eventName, ReadOnlyMemory<byte> data)
    {
        CheckName(eventName);
        return EmitAsync(eventName, RelayEventPayload.EncodeBinary(data.Span));
    }

    /// <summary>
    /// Waits for the next event of a name that matches (Hypha's <c>wait_for</c>). The wait is registered before this
    /// method returns, so an event emitted right after the call is seen; it registers no handler.
    /// </summary>
    /// <param name="eventName">The event name.</param>
    /// <param name="match">Accepts the event to return (null: the first one). If it throws, the wait faults with its exception.</param>
    /// <param name="timeout">How long to wait (null or <see cref="Timeout.InfiniteTimeSpan"/>: no limit).</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The first matching event.</returns>
    /// <exception cref="TimeoutException">No matching event arrived within <paramref name="timeout"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<RelayEvent> WaitForAsync(string eventName, Func<RelayEvent, bool>? match = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventName);
        var limit = timeout ?? Timeout.InfiniteTimeSpan;
        if (limit <= TimeSpan.Zero && limit != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "The timeout must be positive (or null to wait without limit).");
        }

        var waiter = _listeners.AddWaiter(eventName, match);
        return WaitAsync(eventName, waiter, limit, cancellationToken);
    }

    /// <summary>
    /// Handles a message received from the transport: events of other instances reach this instance's handlers and
    /// waits; other kinds, redeliveries and malformed payloads are ignored (the latter logged). Never throws for what a
    /// message contains, nor for what a handler throws.
    /// </summary>
    /// <param name="message">The received message.</param>
    /// <returns>Completes when every handler of the event has run.</returns>
    public ValueTask HandleAsync(RelayMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Kind is not RelayKind.Event || !message.IsFor(_bus.Instance))
        {
            return ValueTask.CompletedTask;
        }

        if (!_seen.TryAdd(message.Id))
        {
            RelayTelemetry.Drop(_bus.Transport, "duplicate");
            LogDuplicate(_logger, message.Document, message.Origin, message.Id);
            return ValueTask.CompletedTask;
        }

        var problem = RelayEventPayload.TryDecode(message, isLocal: false, out var relayEvent);
        if (problem is not RelayEventPayload.Problem.None)
        {
            RelayTelemetry.Drop(_bus.Transport, "malformed");
            var type = message.Payload.IsEmpty ? -1 : message.Payload.Span[0];
            LogMalformed(_logger, message.Document, message.Origin, message.Id, Describe(problem), type, message.Payload.Length);
            return ValueTask.CompletedTask;
        }

        return DispatchAsync(relayEvent!);
    }

    private static string Describe(RelayEventPayload.Problem problem) => problem switch
    {
        RelayEventPayload.Problem.Empty => "the payload is empty",
        RelayEventPayload.Problem.UnknownType => "the type byte is not 'd', 's' or 'b'",
        RelayEventPayload.Problem.InvalidJson => "the data is not valid JSON",
        RelayEventPayload.Problem.InvalidUtf8 => "the string is not valid UTF-8",
        _ => problem.ToString(),
    };

    private static void CheckName(string eventName)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventName);
        if (Encoding.UTF8.GetByteCount(eventName) > RelayEnvelope.MaxDocumentBytes)
        {
            throw new ArgumentException($"An event name is at most {RelayEnvelope.MaxDocumentBytes} UTF-8 bytes long.", nameof(eventName));
        }
    }

    private async Task EmitAsync(string eventName, ReadOnlyMemory<byte> payload)
    {
        var message = RelayMessage.Create(RelayKind.Event, eventName, _bus.Instance, payload);
        _seen.TryAdd(message.Id);
        Task publish;
        try
        {
            publish = _bus.PublishAsync(message);
        }
        catch (Exception e)
        {
            publish = Task.FromException(e);
        }

        RelayEventPayload.TryDecode(message, isLocal: true, out var local);
        await DispatchAsync(local!).ConfigureAwait(false);
        await publish.ConfigureAwait(false);
    }

    private async ValueTask DispatchAsync(RelayEvent relayEvent)
    {
        var (handlers, waiters) = _listeners.Snapshot(relayEvent.Name);
        foreach (var waiter in waiters)
        {
            waiter.Offer(relayEvent);
        }

        foreach (var registration in handlers)
        {
            if (registration.IsRemoved)
            {
                continue;
            }

            try
            {
                await registration.Handler(relayEvent).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                LogHandlerFailed(_logger, relayEvent.Name, relayEvent.Origin, relayEvent.Id, e);
            }
        }
    }

    private async Task<RelayEvent> WaitAsync(string eventName, RelayEventListeners.Waiter waiter, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            return await waiter.Result.WaitAsync(timeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"No matching event '{eventName}' arrived within {timeout}.", e);
        }
        finally
        {
            _listeners.RemoveWaiter(eventName, waiter);
        }
    }

    [LoggerMessage(EventId = 1470, Level = LogLevel.Debug, Message = "Dropped a redelivery of event {EventName} {EventId} from {Origin}")]
    private static partial void LogDuplicate(ILogger logger, string eventName, string origin, Guid eventId);

    [LoggerMessage(EventId = 1471, Level = LogLevel.Warning, Message = "Dropped event {EventName} {EventId} from {Origin}: {Reason} (type byte {TypeByte}, {Length} payload bytes)")]
    private static partial void LogMalformed(ILogger logger, string eventName, string origin, Guid eventId, string reason, int typeByte, int length);

    [LoggerMessage(EventId = 1472, Level = LogLevel.Error, Message = "A handler of event {EventName} {EventId} from {Origin} failed; the next handlers still run")]
    private static partial void LogHandlerFailed(ILogger logger, string eventName, string origin, Guid eventId, Exception exception);
}
