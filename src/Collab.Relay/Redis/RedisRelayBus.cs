using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace Collab.Relay.Redis;

/// <summary>
/// The Redis relay, like <c>@hocuspocus/extension-redis</c>: pub/sub over one connection multiplexer. A document's
/// messages go to <c>{prefix}:doc:{document}</c>, which only the instances holding the document subscribe to
/// (<see cref="JoinAsync"/>); messages for one instance to <c>{prefix}:to:{instance}</c>; events to
/// <c>{prefix}:event:{name}</c> (every instance subscribes to <c>{prefix}:event:*</c>); heartbeats and leaves to
/// <c>{prefix}:instances</c>. The value is the relay envelope; each channel is read in order.
/// </summary>
/// <remarks>
/// Pub/sub is at most once: nothing is kept while Redis is unreachable, so publishing then fails at once with
/// <see cref="RelayUnavailableException"/>. StackExchange.Redis reconnects by itself and subscribes again; the bus is
/// <see cref="RelayState.Connected"/> again once every subscription is confirmed, and that change tells users to
/// resynchronise what they hold.
/// </remarks>
public sealed partial class RedisRelayBus : IRelayBus
{
    private const string Name = "redis";
    private static readonly KeyValuePair<string, object?> TransportTag = new("collab.relay.transport", Name);
    private static readonly TimeSpan ConfirmTimeout = TimeSpan.FromSeconds(10);
    private readonly RedisRelayOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly RedisChannel _ownChannel;
    private readonly RedisChannel _instancesChannel;
    private readonly RedisChannel _eventPattern;
    private readonly Lock _statusGate = new();
    private readonly Lock _postGate = new();
    private readonly SemaphoreSlim _subscriptionGate = new(1, 1);
    private readonly List<ChannelMessageQueue> _fixedQueues = [];
    private readonly Dictionary<string, ChannelMessageQueue?> _documents = new(StringComparer.Ordinal);
    private readonly HashSet<string> _down = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationToken _stoppingToken;
    private ConnectionMultiplexer? _multiplexer;
    private ISubscriber? _subscriber;
    private RelayReceiver? _receiver;
    private RelayStatus _status;
    private bool _started;
    private bool _everConnected;
    private int _generation;
    private int _errorsLogged;

    /// <summary>Creates the bus (nothing connects before <see cref="StartAsync"/>).</summary>
    /// <param name="instance">This instance's identifier (it receives targeted messages on <c>{prefix}:to:{instance}</c>).</param>
    /// <param name="options">Where Redis is and the channels' prefix.</param>
    /// <param name="logger">Logs connection changes and errors.</param>
    /// <param name="time">The clock of status changes.</param>
    public RedisRelayBus(string instance, RedisRelayOptions options, ILogger? logger = null, TimeProvider? time = null)
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
        _stoppingToken = _stopping.Token;
        _ownChannel = TargetChannel(instance);
        _instancesChannel = RedisChannel.Literal(options.Prefix + ":instances");
        _eventPattern = RedisChannel.Pattern(EscapeGlob(options.Prefix) + ":event:*");
        _status = new RelayStatus(RelayState.Starting, "not started", _time.GetUtcNow());
    }

    /// <inheritdoc />
    public string Transport => Name;

    /// <inheritdoc />
    public string Instance { get; }

    /// <inheritdoc />
    public RelayStatus Status => _status;

    /// <summary>Envelopes received but not yet handled.</summary>
    public int Backlog => _receiver?.Backlog ?? 0;

    /// <inheritdoc />
    public event Action<RelayStatus>? StatusChanged;

    /// <inheritdoc />
    public async Task StartAsync(Func<RelayMessage, ValueTask> receive, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(receive);
        ObjectDisposedException.ThrowIf(_stoppingToken.IsCancellationRequested, this);
        if (_receiver is not null)
        {
            throw new InvalidOperationException("The Redis relay is already started.");
        }

        using var activity = RelayTelemetry.ActivitySource.StartActivity("relay start");
        activity?.SetTag("messaging.system", "redis");
        var configuration = ConfigurationOptions.Parse(_options.Configuration);
        configuration.AbortOnConnectFail = false; // start while Redis is down; connect when it comes up
        configuration.BacklogPolicy = BacklogPolicy.FailFast; // at most once: nothing waits for a reconnection
        var endpoints = string.Join(", ", configuration.EndPoints.Select(Describe));
        lock (_statusGate)
        {
            _status = _status with { Description = $"connecting to {endpoints}" };
        }

        LogStarting(_logger, Instance, endpoints, _options.Prefix);
        _receiver = new RelayReceiver(Name, Instance, receive, _logger, _time);
        var connecting = ConnectionMultiplexer.ConnectAsync(configuration);
        try
        {
            _multiplexer = await connecting.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            _ = connecting.ContinueWith(t => t.Result.Dispose(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
            throw;
        }

        _subscriber = _multiplexer.GetSubscriber();
        _multiplexer.ConnectionFailed += OnConnectionFailed;
        _multiplexer.ConnectionRestored += OnConnectionRestored;
        await _subscriptionGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (var channel in new[] { _ownChannel, _instancesChannel, _eventPattern })
            {
                _fixedQueues.Add(await SubscribeAsync(channel).ConfigureAwait(false));
            }

            foreach (var document in _documents.Keys.ToList())
            {
                _documents[document] = await SubscribeAsync(DocumentChannel(document)).ConfigureAwait(false);
            }
        }
        finally
        {
            _subscriptionGate.Release();
        }

        int generation;
        lock (_statusGate)
        {
            _started = true;
            generation = _generation;
        }

        if (_multiplexer.IsConnected)
        {
            await ConfirmAsync(generation).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            LogNotReachable(_logger, endpoints);
        }
    }

    /// <inheritdoc />
    public Task PublishAsync(RelayMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var status = _status;
        if (_subscriber is not { } subscriber || status.State != RelayState.Connected)
        {
            RelayTelemetry.Drop(Name, "unavailable");
            return Task.FromException(new RelayUnavailableException($"Redis is unavailable ({status.State}: {status.Description})."));
        }

        var channel = message switch
        {
            { Target: { } target } => TargetChannel(target),
            { Kind: RelayKind.Event } => RedisChannel.Literal($"{_options.Prefix}:event:{message.Document}"),
            { Kind: RelayKind.Heartbeat or RelayKind.Leave } => _instancesChannel,
            _ => DocumentChannel(message.Document),
        };
        return PublishAsync(subscriber, channel, RelayEnvelope.Encode(message), message);
    }

    /// <inheritdoc />
    public async Task JoinAsync(string document)
    {
        ArgumentNullException.ThrowIfNull(document);
        ObjectDisposedException.ThrowIf(_stoppingToken.IsCancellationRequested, this);
        var channel = DocumentChannel(document);
        await _subscriptionGate.WaitAsync(_stoppingToken).ConfigureAwait(false);
        try
        {
            if (_documents.ContainsKey(document))
            {
                return;
            }

            // before the start, remember it: StartAsync subscribes
            _documents[document] = _subscriber is null ? null : await SubscribeAsync(channel).ConfigureAwait(false);
        }
        finally
        {
            _subscriptionGate.Release();
        }

        // while connected, complete once Redis confirmed the subscription (otherwise the reconnection subscribes it)
        var waited = Stopwatch.StartNew();
        while (_status.State == RelayState.Connected && !_stoppingToken.IsCancellationRequested && !IsSubscribed(channel) && waited.Elapsed < ConfirmTimeout)
        {
            await Task.Delay(5).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async Task LeaveAsync(string document)
    {
        ArgumentNullException.ThrowIfNull(document);
        if (_stoppingToken.IsCancellationRequested)
        {
            return; // disposing unsubscribes everything
        }

        await _subscriptionGate.WaitAsync(_stoppingToken).ConfigureAwait(false);
        try
        {
            if (_documents.Remove(document, out var queue) && queue is not null)
            {
                // stops local delivery at once; the UNSUBSCRIBE is not awaited (it cannot be sent while Redis is down)
                await queue.UnsubscribeAsync(CommandFlags.FireAndForget).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            LogSubscriptionFailed(_logger, "unsubscribe from", document, e.Message);
        }
        finally
        {
            _subscriptionGate.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_stoppingToken.IsCancellationRequested)
        {
            return;
        }

        _stopping.Cancel();
        if (_multiplexer is { } multiplexer && _subscriber is { } subscriber)
        {
            multiplexer.ConnectionFailed -= OnConnectionFailed;
            multiplexer.ConnectionRestored -= OnConnectionRestored;
            List<ChannelMessageQueue> queues = [.. _fixedQueues, .. _documents.Values.OfType<ChannelMessageQueue>()];
            try
            {
                // completes every queue; their loops hand what they hold to the receiver
                await subscriber.UnsubscribeAllAsync(CommandFlags.FireAndForget).ConfigureAwait(false);
                await Task.WhenAll(queues.Select(q => q.Completion)).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                LogSubscriptionFailed(_logger, "unsubscribe from", "every channel", e.Message);
            }
        }

        if (_receiver is { } receiver)
        {
            await receiver.StopAsync().ConfigureAwait(false);
        }

        if (_multiplexer is { } closing)
        {
            try
            {
                await closing.CloseAsync().WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                LogSubscriptionFailed(_logger, "close", "the connection", e.Message);
            }

            await closing.DisposeAsync().ConfigureAwait(false);
        }

        SetStatus(RelayState.Stopped, "disposed");
        _stopping.Dispose();
    }

    private static string EscapeGlob(string value) =>
        string.Concat(value.Select(c => c is '*' or '?' or '[' or ']' or '\\' ? $"\\{c}" : c.ToString()));

    private static string Describe(EndPoint? endpoint) => endpoint switch
    {
        DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
        null => "(unknown)",
        _ => endpoint.ToString() ?? "(unknown)",
    };

    private RedisChannel DocumentChannel(string document) => RedisChannel.Literal($"{_options.Prefix}:doc:{document}");

    private RedisChannel TargetChannel(string instance) => RedisChannel.Literal($"{_options.Prefix}:to:{instance}");

    private async Task<ChannelMessageQueue> SubscribeAsync(RedisChannel channel)
    {
        // Fire-and-forget always hands back the queue (an awaited SUBSCRIBE that fails would lose it while the library
        // keeps it registered); whether Redis confirmed it is read from the subscription's state instead.
        var queue = await _subscriber!.SubscribeAsync(channel, CommandFlags.FireAndForget).ConfigureAwait(false);
        queue.OnMessage(Receive);
        return queue;
    }

    private void Receive(ChannelMessage message)
    {
        var envelope = (byte[]?)message.Message ?? [];
        lock (_postGate)
        {
            // the receiver's queue has one writer; every subscription's loop comes through here
            _receiver?.Post(envelope, default);
        }
    }

    private bool IsSubscribed(RedisChannel channel) =>
        _subscriber is { } subscriber && subscriber.SubscribedEndpoint(channel) is not null && subscriber.IsConnected(channel);

    private async Task PublishAsync(ISubscriber subscriber, RedisChannel channel, byte[] envelope, RelayMessage message)
    {
        try
        {
            await subscriber.PublishAsync(channel, envelope).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RedisException or TimeoutException or ObjectDisposedException)
        {
            RelayTelemetry.Errors.Add(1, TransportTag, new KeyValuePair<string, object?>("error.type", e.GetType().Name));
            RelayTelemetry.Drop(Name, "unavailable");
            if (Interlocked.Increment(ref _errorsLogged) <= 200)
            {
                LogPublishFailed(_logger, message.Kind, message.Document, e.Message);
            }

            throw new RelayUnavailableException($"Redis did not accept the {message.Kind} message: {e.Message}", e);
        }

        RelayTelemetry.Produced.Add(1, TransportTag, new KeyValuePair<string, object?>("collab.relay.kind", message.Kind.ToString()));
        RelayTelemetry.ProducedBytes.Add(envelope.Length, TransportTag);
    }

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e)
    {
        var reason = $"{e.FailureType} on the {e.ConnectionType} connection to {Describe(e.EndPoint)}";
        RelayTelemetry.Errors.Add(1, TransportTag, new KeyValuePair<string, object?>("error.type", e.FailureType.ToString()));
        LogConnectionFailed(_logger, e.ConnectionType, Describe(e.EndPoint), e.FailureType, e.Exception?.Message ?? "no details");
        lock (_statusGate)
        {
            _down.Add($"{Describe(e.EndPoint)}/{e.ConnectionType}");
            _generation++;
        }

        SetStatus(RelayState.Disconnected, reason);
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        LogConnectionRestored(_logger, e.ConnectionType, Describe(e.EndPoint));
        int generation;
        lock (_statusGate)
        {
            _down.Remove($"{Describe(e.EndPoint)}/{e.ConnectionType}");
            if (_down.Count > 0 || !_started)
            {
                return;
            }

            generation = _generation;
        }

        _ = ConfirmAsync(generation);
    }

    /// <summary>
    /// Waits until every subscription is live again (the library subscribes again after the connection is back, not
    /// before it raises the event), then reports Connected, unless the connection failed again meanwhile.
    /// </summary>
    private async Task ConfirmAsync(int generation)
    {
        var waited = Stopwatch.StartNew();
        try
        {
            while (!_stoppingToken.IsCancellationRequested && Volatile.Read(ref _generation) == generation)
            {
                List<RedisChannel> channels;
                await _subscriptionGate.WaitAsync(_stoppingToken).ConfigureAwait(false);
                try
                {
                    channels = [.. _fixedQueues.Select(q => q.Channel), .. _documents.Values.OfType<ChannelMessageQueue>().Select(q => q.Channel)];
                }
                finally
                {
                    _subscriptionGate.Release();
                }

                var pending = channels.Count(c => !IsSubscribed(c));
                if (_multiplexer is { IsConnected: true } && (pending == 0 || waited.Elapsed > ConfirmTimeout))
                {
                    if (pending > 0)
                    {
                        LogUnconfirmed(_logger, pending, ConfirmTimeout.TotalSeconds);
                    }

                    SetStatus(RelayState.Connected, $"subscribed on {string.Join(", ", _multiplexer.GetEndPoints().Select(Describe))}", generation);
                    return;
                }

                if (waited.Elapsed > ConfirmTimeout)
                {
                    return; // not connected after all: the next restoration tries again
                }

                await Task.Delay(10, _stoppingToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException && _stoppingToken.IsCancellationRequested)
        {
            // disposed meanwhile
        }
    }

    /// <summary>Changes the status; with <paramref name="generation"/>, only if no connection failed since it was read.</summary>
    private void SetStatus(RelayState state, string description, int? generation = null)
    {
        RelayStatus changed;
        lock (_statusGate)
        {
            if (generation is { } expected && (expected != _generation || _down.Count > 0))
            {
                return;
            }

            // before the first connection the bus stays Starting: nothing was missed yet
            state = state == RelayState.Disconnected && !_everConnected ? RelayState.Starting : state;
            _everConnected |= state == RelayState.Connected;
            if (_status.State == state || _status.State == RelayState.Stopped)
            {
                return;
            }

            _status = changed = new RelayStatus(state, description, _time.GetUtcNow());
        }

        LogState(_logger, state, description);
        StatusChanged?.Invoke(changed);
    }

    [LoggerMessage(EventId = 1450, Level = LogLevel.Information, Message = "Redis relay {Instance} starting: {Endpoints}, channels {Prefix}:*")]
    private static partial void LogStarting(ILogger logger, string instance, string endpoints, string prefix);

    [LoggerMessage(EventId = 1451, Level = LogLevel.Warning, Message = "Redis {ConnectionType} connection to {EndPoint} failed ({FailureType}): {Reason}")]
    private static partial void LogConnectionFailed(ILogger logger, ConnectionType connectionType, string endPoint, ConnectionFailureType failureType, string reason);

    [LoggerMessage(EventId = 1452, Level = LogLevel.Information, Message = "Redis {ConnectionType} connection to {EndPoint} established")]
    private static partial void LogConnectionRestored(ILogger logger, ConnectionType connectionType, string endPoint);

    [LoggerMessage(EventId = 1453, Level = LogLevel.Warning, Message = "Redis did not accept a {Kind} message about {Document}: {Reason}")]
    private static partial void LogPublishFailed(ILogger logger, RelayKind kind, string document, string reason);

    [LoggerMessage(EventId = 1454, Level = LogLevel.Information, Message = "Redis relay is {State}: {Description}")]
    private static partial void LogState(ILogger logger, RelayState state, string description);

    [LoggerMessage(EventId = 1455, Level = LogLevel.Warning, Message = "Redis is not reachable at {Endpoints} yet; the relay keeps trying and serves local clients meanwhile")]
    private static partial void LogNotReachable(ILogger logger, string endpoints);

    [LoggerMessage(EventId = 1456, Level = LogLevel.Warning, Message = "Redis relay reconnected but {Count} subscriptions were not confirmed within {Seconds} s; the library keeps subscribing them")]
    private static partial void LogUnconfirmed(ILogger logger, int count, double seconds);

    [LoggerMessage(EventId = 1457, Level = LogLevel.Warning, Message = "Redis relay could not {Action} {Channel}: {Reason}")]
    private static partial void LogSubscriptionFailed(ILogger logger, string action, string channel, string reason);
}
