using Collab.Relay.Kafka;
using Confluent.Kafka;

namespace Collab.Tests.Kafka;

/// <summary>
/// Producer and consumer settings and a bounded consume loop shared by the Kafka tests. Each client is built after
/// <see cref="KafkaNativeLibrary.EnsureLoaded"/>: a client built first would let Confluent.Kafka load whichever librdkafka
/// it finds (Debian's, where kcat is installed) for the whole process.
/// </summary>
internal static class KafkaTestClients
{
    public static IProducer<string, string> Producer(string bootstrap, Action<Error>? onError = null)
    {
        KafkaNativeLibrary.EnsureLoaded();
        var builder = new ProducerBuilder<string, string>(new ProducerConfig
        {
            BootstrapServers = bootstrap,
            EnableIdempotence = true,
            Acks = Acks.All,
            LingerMs = 1,
            MessageTimeoutMs = 60_000,
            ReconnectBackoffMs = 100,
            ReconnectBackoffMaxMs = 500,
        });
        if (onError is not null)
        {
            builder.SetErrorHandler((_, error) => onError(error));
        }

        return builder.Build();
    }

    public static IConsumer<string, string> Consumer(string bootstrap, string groupId)
    {
        KafkaNativeLibrary.EnsureLoaded();
        return new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = groupId,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
            SessionTimeoutMs = 10_000,
            ReconnectBackoffMs = 100,
            ReconnectBackoffMaxMs = 500,
        })
        .SetErrorHandler((_, _) => { })
        .Build();
    }

    /// <summary>Consumes until <paramref name="count"/> records arrived or the timeout passes (then fails).</summary>
    public static Task<List<ConsumeResult<string, string>>> ConsumeAsync(
        IConsumer<string, string> consumer, int count, TimeSpan timeout, CancellationToken cancellationToken) =>
        Task.Run(() =>
        {
            var received = new List<ConsumeResult<string, string>>();
            var deadline = DateTime.UtcNow + timeout;
            while (received.Count < count)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Assert.True(DateTime.UtcNow < deadline, $"received {received.Count} of {count} records within {timeout}");
                if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { IsPartitionEOF: false } result)
                {
                    received.Add(result);
                }
            }

            return received;
        }, cancellationToken);
}
