using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Collab.Relay.Kafka;

public sealed partial class KafkaRelayBus
{
    private void ConsumeLoop()
    {
        // where this instance was in each partition when a rebalance took it away: a partition that comes back resumes
        // there (nothing is committed, so the group would start it at the end again and skip what came meanwhile)
        var positions = new Dictionary<TopicPartition, Offset>();
        using var consumer = new ConsumerBuilder<string, byte[]>(KafkaClientSettings.Consumer(_options, Instance))
            .SetErrorHandler((_, e) => OnError("consumer", e))
            .SetLogHandler((_, m) => OnLog(m))
            .SetPartitionsAssignedHandler((_, partitions) =>
            {
                LogAssigned(_logger, partitions.Count);
                SetStatus(RelayState.Connected, $"{partitions.Count} partitions assigned");
                _assigned.TrySetResult();
                // new partitions from the end: what an instance lacks it asks its peers for, it never replays the log
                return partitions.Select(p => new TopicPartitionOffset(p, positions.GetValueOrDefault(p, Offset.End)));
            })
            .SetPartitionsRevokedHandler((c, partitions) =>
            {
                foreach (var partition in partitions)
                {
                    try
                    {
                        if (c.Position(partition.TopicPartition) is { Value: >= 0 } position)
                        {
                            positions[partition.TopicPartition] = position;
                        }
                    }
                    catch (KafkaException)
                    {
                        // no position yet: it starts at the end when it returns
                    }
                }
            })
            .Build();
        consumer.Subscribe([_options.UpdatesTopic, _options.SignalsTopic, _options.EventsTopic]);
        var nextLag = DateTime.UtcNow;
        var token = _stopping.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
                if (result?.Message is { Value: { } value } message)
                {
                    if (_status.State == RelayState.Disconnected)
                    {
                        SetStatus(RelayState.Connected, "receiving again");
                    }

                    _receiver!.Post(value, message.Timestamp.Type == TimestampType.NotAvailable ? default : message.Timestamp.UtcDateTime);
                }

                if (DateTime.UtcNow >= nextLag)
                {
                    nextLag = DateTime.UtcNow.AddSeconds(2);
                    Interlocked.Exchange(ref _lag, MeasureLag(consumer));
                }
            }
            catch (ConsumeException e)
            {
                OnError("consumer", e.Error);
            }
            catch (KafkaException e)
            {
                OnError("consumer", e.Error);
            }
        }

        try
        {
            consumer.Close();
        }
        catch (KafkaException e)
        {
            LogClientError(_logger, "consumer", e.Error.Code, e.Error.Reason);
        }
    }

    private static long MeasureLag(IConsumer<string, byte[]> consumer)
    {
        long lag = 0;
        foreach (var partition in consumer.Assignment)
        {
            var position = consumer.Position(partition);
            var marks = consumer.GetWatermarkOffsets(partition);
            if (position.Value >= 0 && marks.High.Value >= 0)
            {
                lag += Math.Max(0, marks.High.Value - position.Value);
            }
        }

        return lag;
    }

    [LoggerMessage(EventId = 1410, Level = LogLevel.Information, Message = "Kafka relay starting (librdkafka {Version}): brokers {Brokers}, group {Group}, topics {Prefix}.updates/.signals/.events")]
    private static partial void LogStarting(ILogger logger, string version, string brokers, string group, string prefix);

    [LoggerMessage(EventId = 1411, Level = LogLevel.Information, Message = "Kafka relay topics: {Outcome}")]
    private static partial void LogTopics(ILogger logger, string outcome);

    [LoggerMessage(EventId = 1412, Level = LogLevel.Warning, Message = "Kafka relay could not check or create the {Prefix} topics: {Reason}; they must exist or be auto-created")]
    private static partial void LogTopicsFailed(ILogger logger, string prefix, string reason);

    [LoggerMessage(EventId = 1413, Level = LogLevel.Warning, Message = "Kafka relay has no partitions after {Seconds} s; it keeps trying and serves local clients meanwhile")]
    private static partial void LogStartSlow(ILogger logger, double seconds);

    [LoggerMessage(EventId = 1414, Level = LogLevel.Information, Message = "Kafka relay consumer assigned {Count} partitions")]
    private static partial void LogAssigned(ILogger logger, int count);

    [LoggerMessage(EventId = 1415, Level = LogLevel.Warning, Message = "Kafka relay is {State}: {Description}")]
    private static partial void LogState(ILogger logger, RelayState state, string description);

    [LoggerMessage(EventId = 1416, Level = LogLevel.Warning, Message = "Kafka {Client} error {Code}: {Reason}")]
    private static partial void LogClientError(ILogger logger, string client, ErrorCode code, string reason);

    [LoggerMessage(EventId = 1417, Level = LogLevel.Warning, Message = "librdkafka {Facility}: {Message}")]
    private static partial void LogLibrary(ILogger logger, string facility, string message);

    [LoggerMessage(EventId = 1418, Level = LogLevel.Error, Message = "Kafka relay stopped with {Count} messages not acknowledged")]
    private static partial void LogUnflushed(ILogger logger, int count);
}
