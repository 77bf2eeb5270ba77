using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Collab.Relay;

/// <summary>The relay's meter and activity source (<c>Collab.Relay</c>; ServiceDefaults exports every <c>Collab.*</c> name).</summary>
public static class RelayTelemetry
{
    /// <summary>The meter and activity source name.</summary>
    public const string Name = "Collab.Relay";

    /// <summary>Traces of relay operations (start, resynchronisation).</summary>
    public static readonly ActivitySource ActivitySource = new(Name);

    private static readonly Meter Meter = new(Name);

    /// <summary>Messages handed to the transport, by transport and kind.</summary>
    public static readonly Counter<long> Produced = Meter.CreateCounter<long>("collab.relay.produced", "{message}", "Relay messages handed to the transport.");

    /// <summary>Bytes handed to the transport.</summary>
    public static readonly Counter<long> ProducedBytes = Meter.CreateCounter<long>("collab.relay.produced.bytes", "By", "Relay envelope bytes handed to the transport.");

    /// <summary>Messages of other instances received and handed to the receiver.</summary>
    public static readonly Counter<long> Consumed = Meter.CreateCounter<long>("collab.relay.consumed", "{message}", "Relay messages of other instances received.");

    /// <summary>Messages dropped, by reason (own, other-target, malformed, duplicate, unavailable, handler-error).</summary>
    public static readonly Counter<long> Dropped = Meter.CreateCounter<long>("collab.relay.dropped", "{message}", "Relay messages dropped, by reason.");

    /// <summary>Transport errors, by transport and code.</summary>
    public static readonly Counter<long> Errors = Meter.CreateCounter<long>("collab.relay.errors", "{error}", "Relay transport errors.");

    /// <summary>From the sender's produce to this instance's receipt (clocks of two machines: indicative across hosts).</summary>
    public static readonly Histogram<double> Latency = Meter.CreateHistogram<double>("collab.relay.latency", "ms", "Time from a relay message's production to its receipt.");

    /// <summary>From a durable publish to the transport's acknowledgement.</summary>
    public static readonly Histogram<double> AckLatency = Meter.CreateHistogram<double>("collab.relay.ack.latency", "ms", "Time from publishing a durable relay message to the transport's acknowledgement.");

    /// <summary>Records a drop.</summary>
    /// <param name="transport">The transport.</param>
    /// <param name="reason">Why.</param>
    public static void Drop(string transport, string reason) =>
        Dropped.Add(1, new KeyValuePair<string, object?>("collab.relay.transport", transport), new KeyValuePair<string, object?>("reason", reason));

    /// <summary>Creates the consumer-lag gauge of a transport.</summary>
    /// <param name="transport">The transport.</param>
    /// <param name="lag">Reads the messages produced but not yet consumed by this instance.</param>
    /// <returns>The gauge (kept alive by the meter).</returns>
    public static ObservableGauge<long> LagGauge(string transport, Func<long> lag) =>
        Meter.CreateObservableGauge("collab.relay.consumer.lag", () => new Measurement<long>(lag(), new KeyValuePair<string, object?>("collab.relay.transport", transport)), "{message}", "Relay messages produced but not yet consumed by this instance.");
}
