using Collab.Relay;
using Collab.Relay.Events;
using Confluent.Kafka;

namespace Collab.Persistence.Worker;

/// <summary>What the worker stored: a document's merged state, how big, how many updates it took in, when.</summary>
/// <param name="Document">The document name.</param>
/// <param name="Bytes">The stored state's size.</param>
/// <param name="Updates">Updates merged into it by this write.</param>
/// <param name="StoredAt">When the write became durable.</param>
public sealed record DocumentStoredEvent(string Document, long Bytes, int Updates, DateTimeOffset StoredAt);

/// <summary>Where store events go (the relay's event bus, metrics, tests).</summary>
public interface IStoreEvents
{
    /// <summary>Reports a durable write; never blocks and never throws.</summary>
    /// <param name="stored">The write.</param>
    void Stored(DocumentStoredEvent stored);
}

/// <summary>
/// Publishes store events on the relay's event topic as the event <see cref="EventName"/> with a JSON payload, so any
/// server's <c>RelayEventBus.On("document.stored", …)</c> (Hypha's <c>on</c>) receives them. Fire and forget: a lost
/// event loses no data.
/// </summary>
internal sealed partial class KafkaStoreEvents(PersistenceWorkerOptions options, string instance, ILogger<KafkaStoreEvents> logger) : IStoreEvents, IDisposable
{
    public const string EventName = "document.stored";

    private readonly IProducer<byte[], byte[]> _producer = new ProducerBuilder<byte[], byte[]>(WorkerKafkaSettings.EventProducer(options, instance)).Build();

    public void Stored(DocumentStoredEvent stored)
    {
        try
        {
            var payload = RelayEventPayload.EncodeJson(new { document = stored.Document, bytes = stored.Bytes, updates = stored.Updates, storedAt = stored.StoredAt, worker = instance });
            var envelope = RelayEnvelope.Encode(RelayMessage.Create(RelayKind.Event, EventName, instance, payload));
            _producer.Produce(options.EventsTopic, new Message<byte[], byte[]> { Key = System.Text.Encoding.UTF8.GetBytes(EventName), Value = envelope }, report =>
            {
                if (report.Error.IsError)
                {
                    LogEventLost(stored.Document, report.Error.Reason);
                }
            });
        }
        catch (KafkaException e)
        {
            LogEventLost(stored.Document, e.Error.Reason);
        }
    }

    public void Dispose()
    {
        _producer.Flush(TimeSpan.FromSeconds(2));
        _producer.Dispose();
    }

    [LoggerMessage(EventId = 5210, Level = LogLevel.Debug, Message = "The store event of {DocumentName} was not published: {Reason}")]
    private partial void LogEventLost(string documentName, string reason);
}
