using BenchmarkDotNet.Attributes;
using Collab.Benchmarks.Comparison;
using Collab.Yjs;

namespace Collab.Benchmarks.Workloads;

/// <summary>mergeUpdates in a single call over the per-edit B4 updates: the first 20,000, and all 259,778.</summary>
[Config(typeof(ComparisonConfig))]
public class MergeBenchmarks
{
    private List<byte[]> _all = null!;
    private List<byte[]> _prefix = null!;

    [GlobalSetup]
    public void Setup()
    {
        _all = B4Trace.Load().Updates();
        _prefix = _all.Take(WorkloadNames.MergePrefix).ToList();
    }

    [Benchmark]
    [YjsBaseline(WorkloadNames.B4MergeFirst20K)]
    public int MergeFirst20K() => YUpdates.MergeUpdates(_prefix).Length;

    [Benchmark]
    [YjsBaseline(WorkloadNames.B4MergeAll)]
    public int MergeAll() => YUpdates.MergeUpdates(_all).Length;
}
