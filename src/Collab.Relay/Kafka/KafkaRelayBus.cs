using System.Diagnostics;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Collab.Relay.Kafka;

/// <summary>
/// The Kafka relay: document updates and events go to <c>{prefix}.updates</c> / <c>{prefix}.events</c> through an
/// idempotent <c>acks=all</c> producer (their tasks complete on the brokers' acknowledgement), signals to
/// <c>{prefix}.signals</c> through a second producer without lingering; the record key is the document name, so a
/// document's messages keep their order. One consumer in the group <c>{groupIdBase}-{identifier}</c> reads the three
/// topics from their end on its own thread and hands the envelopes to the receiver.
/// </summary>
/// <remarks>
/// Outages: librdkafka reconnects by itself with exponential backoff (100 ms to 10 s). When every broker is down the
/// bus is <see cref="RelayState.Disconnected"/>: signals fail at once (the circuit is open) while updates wait in the
/// producer for <see cref="KafkaRelayOptions.UpdatesTimeout"/>; a metadata probe every second notices the brokers'
/// return, and the change back to <see cref="RelayState.Connected"/> tells users to resynchronise.
/// </remarks>
public sealed partial class KafkaRelayBus : IRelayBus
{
    private const string Name = "kafka";
    private static readonly KeyValuePair<string, object?> TransportTag = new("collab.relay.transport", Name);
    private readonly KafkaRelayOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Lock _statusGate = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _assigned = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IProducer<string, byte[]>? _updates;
    private IProducer<string, byte[]>? _signals;
    private IAdminClient? _admin;
    private RelayReceiver? _receiver;
    private Thread? _consumerThread;
    private ITimer? _probe;
    private RelayStatus _status;
    private long _lag;
    private int _errorsLogged;

    /// <summary>Creates the bus (nothing connects before <see cref="StartAsync"/>).</summary>
    /// <param name="instance">This instance's identifier (the consumer group is <c>{GroupIdBase}-{instance}</c>).</param>
    /// <param name="options">Brokers, topics and librdkafka properties.</param>
    /// <param name="logger">Logs state changes and errors.</param>
    /// <param name="time">The clock.</param>
    public KafkaRelayBus(string instance, KafkaRelayOptions options, ILogger? logger = null, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(instance);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Validate() is { Count: > 0 } errors)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        Instance = instance;
        _options = options;
        _logger = logger ?? NullLogger.Instance;
        _time = time ?? TimeProvider.System;
        _status = new RelayStatus(RelayState.Starting, "not started", _time.GetUtcNow());
        RelayTelemetry.LagGauge(Name, () => Interlocked.Read(ref _lag));
    }

    /// <inheritdoc />
    public string Transport => Name;

    /// <inheritdoc />
    public string Instance { get; }

    /// <inheritdoc />
    public RelayStatus Status => _status;

    /// <summary>Messages produced but not yet consumed by this instance, over its assigned partitions (refreshed every 2 s).</summary>
    public long ConsumerLag => Interlocked.Read(ref _lag);

    /// <summary>Envelopes received but not yet handled.</summary>
    public int Backlog => _receiver?.Backlog ?? 0;

    /// <inheritdoc />
    public event Action<RelayStatus>? StatusChanged;

    /// <summary>How long <see cref="StartAsync"/> waits for the consumer's partitions before returning (it keeps trying afterwards).</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <inheritdoc />
    public async Task StartAsync(Func<RelayMessage, ValueTask> receive, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(receive);
        using var activity = RelayTelemetry.ActivitySource.StartActivity("relay start");
        activity?.SetTag("messaging.system", "kafka");
        var loaded = KafkaNativeLibrary.EnsureLoaded();
        _receiver = new RelayReceiver(Name, Instance, receive, _logger, _time, inline: true);
        _updates = new ProducerBuilder<string, byte[]>(KafkaClientSettings.Producer(_options, Instance, durable: true))
            .SetErrorHandler((_, e) => OnError("producer", e))
            .SetLogHandler((_, m) => OnLog(m))
            .Build();
        _signals = new ProducerBuilder<string, byte[]>(KafkaClientSettings.Producer(_options, Instance, durable: false))
            .SetErrorHandler((_, e) => OnError("producer", e))
            .SetLogHandler((_, m) => OnLog(m))
            .Build();
        _admin = new DependentAdminClientBuilder(_signals.Handle).Build();
        if (_options.CreateTopics)
        {
            try
            {
                var outcome = await KafkaTopics.EnsureAsync(_admin, _options, TimeSpan.FromSeconds(5)).ConfigureAwait(false);
                LogTopics(_logger, outcome);
            }
            catch (Exception e) when (e is KafkaException or TimeoutException)
            {
                // brokers that cannot create topics on request (librdkafka's mock cluster, restricted ACLs) may still
                // create them on first produce: a heartbeat to each (harmless to receivers) before the consumer subscribes
                LogTopicsFailed(_logger, _options.Prefix, e.Message);
                await TouchTopicsAsync().ConfigureAwait(false);
            }
        }

        _consumerThread = new Thread(ConsumeLoop) { IsBackground = true, Name = "collab-relay-kafka" };
        _consumerThread.Start();
        _probe = _time.CreateTimer(_ => Probe(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        LogStarting(_logger, loaded, _options.BootstrapServers, _options.GroupId(Instance), _options.Prefix);
        try
        {
            await _assigned.Task.WaitAsync(StartTimeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            LogStartSlow(_logger, StartTimeout.TotalSeconds);
        }
    }

    /// <inheritdoc />
    public Task PublishAsync(RelayMessage message)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Publish(message, error =>
        {
            if (error is null)
            {
                done.TrySetResult();
            }
            else
            {
                done.TrySetException(error);
            }
        });
        return done.Task;
    }

    /// <inheritdoc />
    /// <remarks>The callback runs on librdkafka's delivery-report thread (or at once when the producer refuses the message).</remarks>
    public void Publish(RelayMessage message, Action<Exception?> delivered)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(delivered);
        var durable = message.Channel == RelayChannel.Durable;
        var producer = (durable ? _updates : _signals) ?? throw new InvalidOperationException("The Kafka relay is not started.");
        if (!durable && _status.State == RelayState.Disconnected)
        {
            // circuit open: a signal would only wait and then expire
            RelayTelemetry.Drop(Name, "unavailable");
            delivered(new RelayUnavailableException($"Kafka is unavailable ({_status.Description})."));
            return;
        }

        var topic = message.Kind switch
        {
            RelayKind.Update => _options.UpdatesTopic,
            RelayKind.Event => _options.EventsTopic,
            _ => _options.SignalsTopic,
        };
        var envelope = RelayEnvelope.Encode(message);
        var key = message.Kind is RelayKind.Heartbeat or RelayKind.Leave ? message.Origin : message.Document;
        var sent = Stopwatch.GetTimestamp();
        try
        {
            producer.Produce(topic, new Message<string, byte[]> { Key = key, Value = envelope, Timestamp = new Timestamp(_time.GetUtcNow()) }, report =>
            {
                if (report.Error.IsError)
                {
                    if (report.Error.Code is ErrorCode.Local_MsgTimedOut or ErrorCode.Local_Transport or ErrorCode.Local_AllBrokersDown)
                    {
                        SetStatus(RelayState.Disconnected, $"{message.Kind} not delivered: {report.Error.Reason}");
                    }

                    RelayTelemetry.Errors.Add(1, TransportTag, new KeyValuePair<string, object?>("error.type", report.Error.Code.ToString()));
                    RelayTelemetry.Drop(Name, "unavailable");
                    delivered(new RelayUnavailableException($"Kafka did not accept the {message.Kind} message: {report.Error.Reason}", new KafkaException(report.Error)));
                    return;
                }

                if (durable)
                {
                    RelayTelemetry.AckLatency.Record(Stopwatch.GetElapsedTime(sent).TotalMilliseconds, TransportTag);
                }

                SetStatus(RelayState.Connected, "delivered");
                delivered(null);
            });
        }
        catch (ProduceException<string, byte[]> e)
        {
            RelayTelemetry.Errors.Add(1, TransportTag, new KeyValuePair<string, object?>("error.type", e.Error.Code.ToString()));
            RelayTelemetry.Drop(Name, "unavailable");
            delivered(new RelayUnavailableException($"Kafka refused the {message.Kind} message: {e.Error.Reason}", e));
            return;
        }

        RelayTelemetry.Produced.Add(1, TransportTag, new KeyValuePair<string, object?>("collab.relay.kind", message.Kind.ToString()));
        RelayTelemetry.ProducedBytes.Add(envelope.Length, TransportTag);
    }

    private async Task TouchTopicsAsync()
    {
        var heartbeat = RelayEnvelope.Encode(RelayMessage.Create(RelayKind.Heartbeat, "", Instance, ReadOnlyMemory<byte>.Empty));
        try
        {
            await Task.WhenAll(new[] { _options.UpdatesTopic, _options.SignalsTopic, _options.EventsTopic }.Select(topic =>
                _signals!.ProduceAsync(topic, new Message<string, byte[]> { Key = Instance, Value = heartbeat }))).WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            LogTopics(_logger, "created on first produce");
        }
        catch (Exception e) when (e is KafkaException or TimeoutException)
        {
            LogTopicsFailed(_logger, _options.Prefix, e.Message);
        }
    }

    /// <inheritdoc />
    public Task JoinAsync(string document) => Task.CompletedTask;

    /// <inheritdoc />
    public Task LeaveAsync(string document) => Task.CompletedTask;

    /// <summary>Waits until every message handed to the producers was acknowledged or failed, or the timeout passed.</summary>
    /// <param name="timeout">The longest wait.</param>
    /// <returns>Messages still in flight afterwards.</returns>
    public int Flush(TimeSpan timeout)
    {
        var left = _updates?.Flush(timeout) ?? 0;
        return left + (_signals?.Flush(TimeSpan.FromMilliseconds(Math.Min(timeout.TotalMilliseconds, 1000))) ?? 0);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        _stopping.Cancel();
        _probe?.Dispose();
        var left = Flush(TimeSpan.FromSeconds(10));
        if (left > 0)
        {
            LogUnflushed(_logger, left);
        }

        _consumerThread?.Join(TimeSpan.FromSeconds(15));
        if (_receiver is { } receiver)
        {
            await receiver.StopAsync().ConfigureAwait(false);
        }

        _admin?.Dispose();
        _signals?.Dispose();
        _updates?.Dispose();
        SetStatus(RelayState.Stopped, "disposed");
        _stopping.Dispose();
    }

    private void SetStatus(RelayState state, string description)
    {
        RelayStatus changed;
        lock (_statusGate)
        {
            if (_status.State == state || _status.State == RelayState.Stopped)
            {
                return;
            }

            _status = changed = new RelayStatus(state, description, _time.GetUtcNow());
        }

        LogState(_logger, state, description);
        StatusChanged?.Invoke(changed);
    }

    private void OnError(string client, Error error)
    {
        RelayTelemetry.Errors.Add(1, TransportTag, new KeyValuePair<string, object?>("error.type", error.Code.ToString()));
        if (error.Code == ErrorCode.Local_AllBrokersDown || error.IsFatal)
        {
            SetStatus(RelayState.Disconnected, $"{client}: {error.Reason}");
        }

        if (Interlocked.Increment(ref _errorsLogged) <= 200 || error.IsFatal)
        {
            LogClientError(_logger, client, error.Code, error.Reason);
        }
    }

    private void OnLog(LogMessage message)
    {
        if (message.Level <= SyslogLevel.Warning && Interlocked.Increment(ref _errorsLogged) <= 200)
        {
            LogLibrary(_logger, message.Facility, message.Message);
        }
    }

    private void Probe()
    {
        if (_status.State != RelayState.Disconnected || _admin is not { } admin || _stopping.IsCancellationRequested)
        {
            return;
        }

        try
        {
            var metadata = admin.GetMetadata(_options.SignalsTopic, TimeSpan.FromMilliseconds(900));
            if (metadata.Brokers.Count > 0 && metadata.Topics.All(t => t.Error.Code == ErrorCode.NoError))
            {
                SetStatus(RelayState.Connected, "brokers answer again");
            }
        }
        catch (KafkaException)
        {
            // still down
        }
    }
}
