using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Collab.Relay.Kafka;

/// <summary>Creates the relay's three topics when they are missing (a fixed set: documents never become topics).</summary>
internal static class KafkaTopics
{
    public static async Task<string> EnsureAsync(IAdminClient admin, KafkaRelayOptions options, TimeSpan timeout)
    {
        var wanted = new[]
        {
            Spec(options.UpdatesTopic, options, options.UpdatesRetention),
            Spec(options.SignalsTopic, options, options.SignalsRetention),
            Spec(options.EventsTopic, options, options.UpdatesRetention),
        };
        try
        {
            var metadata = admin.GetMetadata(timeout);
            var existing = metadata.Topics.Where(t => t.Error.Code == ErrorCode.NoError).Select(t => t.Topic).ToHashSet(StringComparer.Ordinal);
            var missing = wanted.Where(t => !existing.Contains(t.Name)).ToList();
            if (missing.Count == 0)
            {
                return "topics exist";
            }

            await admin.CreateTopicsAsync(missing, new CreateTopicsOptions { RequestTimeout = timeout, OperationTimeout = timeout })
                .WaitAsync(timeout + TimeSpan.FromSeconds(1)).ConfigureAwait(false);
            return "created " + string.Join(", ", missing.Select(t => t.Name));
        }
        catch (CreateTopicsException e) when (e.Results.All(r => r.Error.Code is ErrorCode.NoError or ErrorCode.TopicAlreadyExists))
        {
            return "topics exist";
        }
    }

    private static TopicSpecification Spec(string name, KafkaRelayOptions options, TimeSpan retention) => new()
    {
        Name = name,
        NumPartitions = options.Partitions,
        ReplicationFactor = options.ReplicationFactor,
        Configs = new Dictionary<string, string> { ["retention.ms"] = KafkaClientSettings.Format(retention) },
    };
}
