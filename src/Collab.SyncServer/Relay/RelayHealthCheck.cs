using Collab.Relay;
using Collab.Relay.Kafka;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Collab.SyncServer.Relay;

/// <summary>
/// The relay's health: healthy while connected; degraded (still HTTP 200: the replica serves its own clients) while
/// starting or disconnected, with the reason, the live peers and the consumer lag.
/// </summary>
internal sealed class RelayHealthCheck(RelayService relay) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var bus = relay.Bus;
        var status = bus.Status;
        var data = new Dictionary<string, object>
        {
            ["transport"] = bus.Transport,
            ["instance"] = bus.Instance,
            ["state"] = status.State.ToString(),
            ["since"] = status.Since,
            ["peers"] = relay.LivePeers.Count,
            ["documents"] = relay.HeldCount,
            ["resyncs"] = relay.Resyncs,
        };
        if (bus is KafkaRelayBus kafka)
        {
            data["consumerLag"] = kafka.ConsumerLag;
            data["backlog"] = kafka.Backlog;
        }

        var description = $"{bus.Transport} relay {status.State}: {status.Description}";
        return Task.FromResult(status.State == RelayState.Connected
            ? HealthCheckResult.Healthy(description, data)
            : HealthCheckResult.Degraded(description, data: data));
    }
}
