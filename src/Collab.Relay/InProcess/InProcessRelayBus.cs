using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Collab.Relay.InProcess;

/// <summary>A relay bus that reaches the other buses attached to the same <see cref="InProcessRelayHub"/> in this process.</summary>
/// <param name="instance">This instance's identifier.</param>
/// <param name="hub">The hub (default: <see cref="InProcessRelayHub.Shared"/>).</param>
/// <param name="logger">Logs malformed messages and handler errors.</param>
/// <param name="time">The clock.</param>
public sealed class InProcessRelayBus(string instance, InProcessRelayHub? hub = null, ILogger? logger = null, TimeProvider? time = null) : IRelayBus
{
    private const string Name = "in-process";
    private readonly InProcessRelayHub _hub = hub ?? InProcessRelayHub.Shared;
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private RelayReceiver? _receiver;
    private RelayStatus _status = new(RelayState.Starting, "not started", DateTimeOffset.MinValue);

    /// <inheritdoc />
    public string Transport => Name;

    /// <inheritdoc />
    public string Instance { get; } = instance;

    /// <inheritdoc />
    public RelayStatus Status => _status;

    /// <inheritdoc />
    public event Action<RelayStatus>? StatusChanged;

    /// <inheritdoc />
    public Task StartAsync(Func<RelayMessage, ValueTask> receive, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(receive);
        _receiver = new RelayReceiver(Name, Instance, receive, logger ?? NullLogger.Instance, _time);
        _hub.Attach(this);
        SetStatus(RelayState.Connected, "attached to the in-process hub");
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task PublishAsync(RelayMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!_hub.IsUp)
        {
            RelayTelemetry.Drop(Name, "unavailable");
            return Task.FromException(new RelayUnavailableException("The in-process relay hub is down."));
        }

        var envelope = RelayEnvelope.Encode(message);
        RelayTelemetry.Produced.Add(1, new KeyValuePair<string, object?>("collab.relay.transport", Name), new KeyValuePair<string, object?>("collab.relay.kind", message.Kind.ToString()));
        RelayTelemetry.ProducedBytes.Add(envelope.Length, new KeyValuePair<string, object?>("collab.relay.transport", Name));
        _hub.Deliver(this, envelope, _time.GetUtcNow());
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task JoinAsync(string document) => Task.CompletedTask;

    /// <inheritdoc />
    public Task LeaveAsync(string document) => Task.CompletedTask;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _hub.Detach(this);
        if (_receiver is { } receiver)
        {
            await receiver.StopAsync().ConfigureAwait(false);
        }

        SetStatus(RelayState.Stopped, "disposed");
    }

    internal void Receive(byte[] envelope, DateTimeOffset produced)
    {
        if (_hub.IsUp)
        {
            _receiver?.Post(envelope, produced);
        }
    }

    private void SetStatus(RelayState state, string description)
    {
        _status = new RelayStatus(state, description, _time.GetUtcNow());
        StatusChanged?.Invoke(_status);
    }
}
