using System.IO.Hashing;
using System.Text;
using Collab.Relay;
using Collab.Relay.Kafka;
using Confluent.Kafka;

namespace Collab.Persistence.Worker;

/// <summary>
/// Reads what the store may not have yet: the updates of one document between the workers' committed offset of its
/// partition and the partition's end. A commit only ever follows a durable write, so the stored state plus that tail is
/// the document's latest durable state, whichever worker owns the partition (or none, during a rebalance). Not a group
/// member and never committing; one read at a time.
/// </summary>
internal sealed class KafkaTailReader(PersistenceWorkerOptions options, WorkerIdentity identity) : IDisposable
{
    private readonly SemaphoreSlim _one = new(1, 1);
    private IConsumer<byte[], byte[]>? _consumer;
    private IAdminClient? _admin;

    /// <summary>
    /// The partition the relay's producers put <paramref name="document"/> in: librdkafka's default partitioner
    /// (<c>consistent_random</c>) takes the CRC-32 of the key modulo the partition count.
    /// </summary>
    public static int PartitionOf(string document, int partitionCount) =>
        (int)(Crc32.HashToUInt32(Encoding.UTF8.GetBytes(document)) % (uint)partitionCount);

    /// <summary>
    /// Reads the document: first the committed offset, then (through <paramref name="loadStored"/>) the stored state,
    /// then the tail from that offset to the partition's end; that order makes the stored state cover everything before
    /// the offset.
    /// </summary>
    public async Task<(byte[]? Stored, List<byte[]> Tail)> ReadAsync(string document, Func<Task<byte[]?>> loadStored, CancellationToken cancellationToken)
    {
        await _one.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var deadline = DateTime.UtcNow + options.ReadTimeout;
            var (consumer, partition) = await Task.Run(() => Prepare(document), cancellationToken).ConfigureAwait(false);
            var committed = await Task.Run(() => CommittedOffset(consumer, partition), cancellationToken).ConfigureAwait(false);
            var stored = await loadStored().ConfigureAwait(false);
            var tail = await Task.Run(() => ReadTail(consumer, partition, committed, document, deadline, cancellationToken), cancellationToken).ConfigureAwait(false);
            return (stored, tail);
        }
        finally
        {
            _one.Release();
        }
    }

    private (IConsumer<byte[], byte[]> Consumer, TopicPartition Partition) Prepare(string document)
    {
        KafkaNativeLibrary.EnsureLoaded();
        _consumer ??= new ConsumerBuilder<byte[], byte[]>(WorkerKafkaSettings.TailReader(options, identity.Name)).Build();
        _admin ??= new DependentAdminClientBuilder(_consumer.Handle).Build();
        // asked every time: a partition count cached across a topic's growth would look in the wrong partition
        var metadata = _admin.GetMetadata(options.UpdatesTopic, options.ReadTimeout);
        var topic = metadata.Topics.SingleOrDefault(t => t.Topic == options.UpdatesTopic);
        if (topic is null || topic.Error.IsError || topic.Partitions.Count == 0)
        {
            throw new TailReadException($"Topic {options.UpdatesTopic} has no partitions yet ({topic?.Error.Reason ?? "unknown topic"}).");
        }

        return (_consumer, new TopicPartition(options.UpdatesTopic, PartitionOf(document, topic.Partitions.Count)));
    }

    private long CommittedOffset(IConsumer<byte[], byte[]> consumer, TopicPartition partition)
    {
        var committed = consumer.Committed([partition], options.ReadTimeout).Single();
        if (committed.Offset.Value >= 0)
        {
            return committed.Offset.Value;
        }

        // nothing committed yet: everything the topic retains may be unwritten
        return consumer.QueryWatermarkOffsets(partition, options.ReadTimeout).Low.Value;
    }

    private List<byte[]> ReadTail(IConsumer<byte[], byte[]> consumer, TopicPartition partition, long from, string document, DateTime deadline, CancellationToken cancellationToken)
    {
        var end = consumer.QueryWatermarkOffsets(partition, options.ReadTimeout).High.Value;
        List<byte[]> tail = [];
        if (from >= end)
        {
            return tail;
        }

        var key = Encoding.UTF8.GetBytes(document);
        consumer.Assign(new TopicPartitionOffset(partition, from));
        try
        {
            while (true)
            {
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero)
                {
                    throw new TailReadException($"Reading {partition} from offset {from} to {end} did not finish within {options.ReadTimeout}.");
                }

                if (consumer.Consume(left < TimeSpan.FromMilliseconds(200) ? left : TimeSpan.FromMilliseconds(200)) is not { } record)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    continue;
                }

                if (record.Message.Key is { } k && k.AsSpan().SequenceEqual(key) && TryUpdate(record.Message.Value, document) is { } update)
                {
                    tail.Add(update);
                }

                if (record.Offset.Value >= end - 1)
                {
                    return tail;
                }
            }
        }
        finally
        {
            consumer.Unassign();
        }
    }

    private static byte[]? TryUpdate(byte[] value, string document)
    {
        try
        {
            var message = RelayEnvelope.Decode(value);
            return message.Kind is RelayKind.Update && message.Document == document ? message.Payload.ToArray() : null;
        }
        catch (RelayEnvelopeException)
        {
            return null;
        }
    }

    public void Dispose()
    {
        _admin?.Dispose();
        _consumer?.Close();
        _consumer?.Dispose();
        _one.Dispose();
    }
}

/// <summary>The unwritten tail of a document's partition could not be read (Kafka unreachable, too slow).</summary>
/// <param name="message">What went wrong.</param>
public sealed class TailReadException(string message) : Exception(message);
