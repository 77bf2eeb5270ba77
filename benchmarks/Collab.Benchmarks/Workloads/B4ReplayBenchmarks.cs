using BenchmarkDotNet.Attributes;
using Collab.Benchmarks.Comparison;

namespace Collab.Benchmarks.Workloads;

/// <summary>B4: the 259,778 edits of the real trace applied to a Text, one per transaction, each transaction's update encoded.</summary>
[Config(typeof(ComparisonConfig))]
public class B4ReplayBenchmarks
{
    private B4Trace _trace = null!;

    [GlobalSetup]
    public void Setup() => _trace = B4Trace.Load();

    [Benchmark]
    [YjsBaseline(WorkloadNames.B4Replay)]
    public long ReplayWithUpdateListener()
    {
        var doc = B4Trace.NewDoc();
        long bytes = 0;
        doc.Update += (_, e) => bytes += e.Update.Length;
        var text = _trace.ReplayInto(doc);
        if (text.ToString() != _trace.FinalText)
        {
            throw new InvalidOperationException("replayed text differs from the trace's final text");
        }

        return bytes;
    }
}
