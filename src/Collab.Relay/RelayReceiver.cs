using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Collab.Relay;

/// <summary>
/// Hands received envelopes from a transport's thread to the receiver, one at a time and in order, through a bounded
/// channel: decodes them, drops own and foreign-addressed messages and malformed envelopes (logged, counted), and keeps
/// a handler's error from stopping the loop.
/// </summary>
internal sealed partial class RelayReceiver
{
    private readonly Channel<(ReadOnlyMemory<byte> Envelope, DateTimeOffset Produced)> _queue;
    private readonly string _transport;
    private readonly string _instance;
    private readonly byte[] _instanceUtf8;
    private readonly Func<RelayMessage, ValueTask> _receive;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Task _loop;
    private int _malformedLogged;

    // inline: the transport posts from a thread of its own that may run the receiver (Kafka's consumer thread), so the
    // waiting reader goes on there instead of on the thread pool; not where the poster may hold its caller's locks
    // (in-process delivery happens on the publisher's thread)
    public RelayReceiver(string transport, string instance, Func<RelayMessage, ValueTask> receive, ILogger logger, TimeProvider time, bool inline = false, int capacity = 10_000)
    {
        _transport = transport;
        _instance = instance;
        _instanceUtf8 = System.Text.Encoding.UTF8.GetBytes(instance);
        _receive = receive;
        _logger = logger;
        _time = time;
        _queue = Channel.CreateBounded<(ReadOnlyMemory<byte>, DateTimeOffset)>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
            // no thread-pool hop per message where the transport's thread can run the receiver
            AllowSynchronousContinuations = inline,
        });
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Envelopes waiting for the receiver.</summary>
    public int Backlog => _queue.Reader.Count;

    /// <summary>Queues an envelope; own messages are dropped here, before decoding. Blocks the (transport) thread while the queue is full.</summary>
    public void Post(ReadOnlyMemory<byte> envelope, DateTimeOffset produced)
    {
        if (RelayEnvelope.TryPeekOrigin(envelope.Span, out var origin) && origin.SequenceEqual(_instanceUtf8))
        {
            RelayTelemetry.Drop(_transport, "own");
            return;
        }

        if (!_queue.Writer.TryWrite((envelope, produced)))
        {
            try
            {
                _queue.Writer.WriteAsync((envelope, produced)).AsTask().GetAwaiter().GetResult();
            }
            catch (ChannelClosedException)
            {
                // stopping
            }
        }
    }

    /// <summary>Stops accepting and waits until what was queued has been handled.</summary>
    public async Task StopAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        await foreach (var (envelope, produced) in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            RelayMessage message;
            try
            {
                message = RelayEnvelope.Decode(envelope);
            }
            catch (RelayEnvelopeException e)
            {
                RelayTelemetry.Drop(_transport, "malformed");
                if (Interlocked.Increment(ref _malformedLogged) <= 100)
                {
                    LogMalformed(_logger, _transport, envelope.Length, e.Message);
                }

                continue;
            }

            if (!message.IsFor(_instance))
            {
                RelayTelemetry.Drop(_transport, message.Origin == _instance ? "own" : "other-target");
                continue;
            }

            var tags = new KeyValuePair<string, object?>("collab.relay.transport", _transport);
            RelayTelemetry.Consumed.Add(1, tags, new KeyValuePair<string, object?>("collab.relay.kind", message.Kind.ToString()));
            if (produced != default)
            {
                RelayTelemetry.Latency.Record(Math.Max(0, (_time.GetUtcNow() - produced).TotalMilliseconds), tags);
            }

            try
            {
                await _receive(message).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                RelayTelemetry.Drop(_transport, "handler-error");
                LogHandlerFailed(_logger, message.Kind, message.Document, message.Origin, e);
            }
        }
    }

    [LoggerMessage(EventId = 1401, Level = LogLevel.Warning, Message = "Dropped a malformed {Transport} relay message of {Length} bytes: {Reason}")]
    private static partial void LogMalformed(ILogger logger, string transport, int length, string reason);

    [LoggerMessage(EventId = 1402, Level = LogLevel.Warning, Message = "Relay message {Kind} about {Document} from {Origin} could not be handled; it was dropped")]
    private static partial void LogHandlerFailed(ILogger logger, RelayKind kind, string document, string origin, Exception exception);
}
