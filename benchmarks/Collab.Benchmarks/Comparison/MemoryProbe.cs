using Collab.Benchmarks.Workloads;
using Collab.Yjs;

namespace Collab.Benchmarks.Comparison;

/// <summary>
/// Bytes held by the final B4 document: managed heap after a full collection with the document alive, minus before.
/// Measured in the host process (Release), the same way the baseline uses heapUsed after global.gc().
/// </summary>
public static class MemoryProbe
{
    public static Dictionary<string, long> Measure()
    {
        var trace = B4Trace.Load();
        var v1 = trace.FinalDoc().EncodeStateAsUpdate();
        return new Dictionary<string, long>(StringComparer.Ordinal)
        {
            [WorkloadNames.MemoryB4Replayed] = Held(trace.FinalDoc),
            [WorkloadNames.MemoryB4Decoded] = Held(() =>
            {
                var doc = new Doc();
                doc.ApplyUpdate(v1);
                _ = doc.GetText("text").ToString();
                return doc;
            }),
        };
    }

    private static long Held(Func<Doc> build)
    {
        _ = build(); // warm up code paths and lazily created statics outside the measurement
        var before = System.GC.GetTotalMemory(forceFullCollection: true);
        var doc = build();
        var after = System.GC.GetTotalMemory(forceFullCollection: true);
        System.GC.KeepAlive(doc);
        return after - before;
    }
}
