using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Collab.SyncServer.Telemetry;

/// <summary>The ActivitySource and Meter of the sync server (both named <c>Collab.SyncServer</c>).</summary>
public static class SyncServerTelemetry
{
    /// <summary>Name of the ActivitySource and the Meter.</summary>
    public const string Name = "Collab.SyncServer";

    /// <summary>Spans around authentication, document loads and stores.</summary>
    public static readonly ActivitySource ActivitySource = new(Name);

    private static readonly Meter Meter = new(Name);

    /// <summary>Open WebSockets.</summary>
    public static readonly UpDownCounter<long> Sockets = Meter.CreateUpDownCounter<long>("collab.syncserver.sockets", "{socket}", "Open WebSockets");

    /// <summary>Document connections (WebSocket and direct).</summary>
    public static readonly UpDownCounter<long> Connections = Meter.CreateUpDownCounter<long>("collab.syncserver.connections", "{connection}", "Open document connections");

    /// <summary>Loaded documents.</summary>
    public static readonly UpDownCounter<long> Documents = Meter.CreateUpDownCounter<long>("collab.syncserver.documents", "{document}", "Loaded documents");

    /// <summary>Inbound messages.</summary>
    public static readonly Counter<long> MessagesIn = Meter.CreateCounter<long>("collab.syncserver.messages.in", "{message}", "Messages received");

    /// <summary>Outbound messages.</summary>
    public static readonly Counter<long> MessagesOut = Meter.CreateCounter<long>("collab.syncserver.messages.out", "{message}", "Messages sent");

    /// <summary>Inbound bytes.</summary>
    public static readonly Counter<long> BytesIn = Meter.CreateCounter<long>("collab.syncserver.bytes.in", "By", "Bytes received");

    /// <summary>Outbound bytes.</summary>
    public static readonly Counter<long> BytesOut = Meter.CreateCounter<long>("collab.syncserver.bytes.out", "By", "Bytes sent");

    /// <summary>Inbound messages whose handling waited because their socket was over its rate budget.</summary>
    public static readonly Counter<long> Throttled = Meter.CreateCounter<long>("collab.syncserver.messages.throttled", "{message}", "Messages that waited for their socket's rate budget");

    /// <summary>Bytes held in inbound messages that are still arriving, all sockets together.</summary>
    public static readonly UpDownCounter<long> BufferedMessageBytes = Meter.CreateUpDownCounter<long>("collab.syncserver.messages.buffered", "By", "Bytes held in partially received messages");

    /// <summary>Time from the first buffered change to the end of its fan-out.</summary>
    public static readonly Histogram<double> FanOutLatency = Meter.CreateHistogram<double>("collab.syncserver.fanout.duration", "ms", "Broadcast latency");

    /// <summary>Compacting collections run by the memory reducer after a burst.</summary>
    public static readonly Counter<long> MemoryReductions = Meter.CreateCounter<long>("collab.syncserver.memory.reductions", "{collection}", "Memory reductions");

    /// <summary>Duration of store hook chains.</summary>
    public static readonly Histogram<double> StoreDuration = Meter.CreateHistogram<double>("collab.syncserver.store.duration", "ms", "Store duration");

    /// <summary>Failed stores (each is retried).</summary>
    public static readonly Counter<long> StoreFailures = Meter.CreateCounter<long>("collab.syncserver.store.failures", "{store}", "Failed stores");

    /// <summary>Sockets closed because they did not read fast enough.</summary>
    public static readonly Counter<long> SlowConsumers = Meter.CreateCounter<long>("collab.syncserver.slow_consumers", "{socket}", "Slow sockets closed");

    /// <summary>Sockets closed for protocol violations, limits or timeouts, by close code.</summary>
    public static readonly Counter<long> Terminations = Meter.CreateCounter<long>("collab.syncserver.terminations", "{socket}", "Sockets terminated by the server");
}
