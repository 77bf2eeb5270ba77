using BenchmarkDotNet.Attributes;
using Collab.Benchmarks.Comparison;
using Collab.Yjs;

namespace Collab.Benchmarks.Workloads;

/// <summary>B1: 6000 single-character updates produced by one document (appending), applied one by one on a remote document.</summary>
[Config(typeof(ComparisonConfig))]
public class B1Benchmarks
{
    private List<byte[]> _updates = null!;

    [GlobalSetup]
    public void Setup()
    {
        var doc = B4Trace.NewDoc();
        _updates = new List<byte[]>(WorkloadNames.B1Updates);
        doc.Update += (_, e) => _updates.Add(e.Update);
        var text = doc.GetText("text");
        for (var i = 0; i < WorkloadNames.B1Updates; i++)
        {
            text.Insert(i, ((char)('a' + (i % 26))).ToString());
        }
    }

    [Benchmark]
    [YjsBaseline(WorkloadNames.B1ApplyRemote)]
    public int ApplyOnRemoteDoc()
    {
        var remote = new Doc();
        foreach (var update in _updates)
        {
            remote.ApplyUpdate(update);
        }

        var length = remote.GetText("text").Length;
        return length == WorkloadNames.B1Updates ? length : throw new InvalidOperationException("remote text has the wrong length");
    }
}
