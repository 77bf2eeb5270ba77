using System.Diagnostics.Metrics;

namespace Collab.Persistence.Worker;

/// <summary>The worker's meter, <c>Collab.Persistence</c> (exported by ServiceDefaults with every <c>Collab.*</c> meter).</summary>
internal static class WorkerTelemetry
{
    public const string MeterName = "Collab.Persistence";

    private static readonly Meter Meter = new(MeterName);

    public static readonly Counter<long> Consumed = Meter.CreateCounter<long>("collab.persistence.updates.consumed", "{update}", "Updates consumed from the stream.");

    public static readonly Counter<long> Dropped = Meter.CreateCounter<long>("collab.persistence.records.dropped", "{record}", "Records dropped, by reason (malformed envelope, another kind, invalid update).");

    public static readonly Counter<long> Writes = Meter.CreateCounter<long>("collab.persistence.writes", "{write}", "Merged states written to storage.");

    public static readonly Counter<long> MergedUpdates = Meter.CreateCounter<long>("collab.persistence.updates.stored", "{update}", "Updates merged into written states.");

    public static readonly Counter<long> WrittenBytes = Meter.CreateCounter<long>("collab.persistence.bytes.written", "By", "Bytes of the states written.");

    public static readonly Counter<long> WriteFailures = Meter.CreateCounter<long>("collab.persistence.write.failures", "{write}", "Writes that failed (retried with backoff).");

    public static readonly Histogram<double> WriteDuration = Meter.CreateHistogram<double>("collab.persistence.write.duration", "s", "Load (when not in memory), merge and write of one document.");

    public static readonly Counter<long> Commits = Meter.CreateCounter<long>("collab.persistence.commits", "{commit}", "Offset commits after durable writes.");

    public static readonly Histogram<double> ReadDuration = Meter.CreateHistogram<double>("collab.persistence.read.duration", "s", "API reads: stored state plus the unwritten tail of the stream.");

    public static void Written(int bytes, int updates, TimeSpan elapsed)
    {
        Writes.Add(1);
        MergedUpdates.Add(updates);
        WrittenBytes.Add(bytes);
        WriteDuration.Record(elapsed.TotalSeconds);
    }
}
