using BenchmarkDotNet.Attributes;
using Collab.Benchmarks.Comparison;
using Collab.Yjs;

namespace Collab.Benchmarks.Workloads;

/// <summary>
/// Updates to a document with a long history of writers: <see cref="WorkloadNames.ManyClients"/> clients wrote one
/// character each (every provider session has a new client id), then one more client appends
/// <see cref="WorkloadNames.ManyClientsUpdates"/> single characters, each its own update, applied one by one on a
/// remote document. The cost of an update should not grow with the clients that wrote before.
/// </summary>
[Config(typeof(ComparisonConfig))]
public class ManyClientsBenchmarks
{
    private byte[] _base = null!;
    private List<byte[]> _updates = null!;

    [GlobalSetup]
    public void Setup()
    {
        var parts = new List<byte[]>(WorkloadNames.ManyClients);
        for (var i = 1; i <= WorkloadNames.ManyClients; i++)
        {
            var d = new Doc(new DocOptions { ClientId = i });
            d.GetText("text").Insert(0, "x");
            parts.Add(d.EncodeStateAsUpdate());
        }

        _base = YUpdates.MergeUpdates(parts);
        var writer = B4Trace.NewDoc();
        writer.ApplyUpdate(_base);
        _updates = new List<byte[]>(WorkloadNames.ManyClientsUpdates);
        writer.Update += (_, e) => _updates.Add(e.Update);
        var text = writer.GetText("text");
        for (var i = 0; i < WorkloadNames.ManyClientsUpdates; i++)
        {
            text.Insert(text.Length, ((char)('a' + (i % 26))).ToString());
        }
    }

    [Benchmark]
    [YjsBaseline(WorkloadNames.ManyClientsApply)]
    public int ApplyOnRemoteDoc()
    {
        var remote = new Doc();
        remote.ApplyUpdate(_base);
        foreach (var update in _updates)
        {
            remote.ApplyUpdate(update);
        }

        var length = remote.GetText("text").Length;
        return length == WorkloadNames.ManyClients + WorkloadNames.ManyClientsUpdates ? length : throw new InvalidOperationException("remote text has the wrong length");
    }
}
