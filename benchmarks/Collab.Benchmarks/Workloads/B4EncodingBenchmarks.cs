using BenchmarkDotNet.Attributes;
using Collab.Benchmarks.Comparison;
using Collab.Yjs;

namespace Collab.Benchmarks.Workloads;

/// <summary>Encoding the final B4 document, and decoding it into a fresh document, in both update formats.</summary>
[Config(typeof(ComparisonConfig))]
public class B4EncodingBenchmarks
{
    private Doc _doc = null!;
    private byte[] _v1 = null!;
    private byte[] _v2 = null!;
    private int _finalLength;

    [GlobalSetup]
    public void Setup()
    {
        var trace = B4Trace.Load();
        _doc = trace.FinalDoc();
        _v1 = _doc.EncodeStateAsUpdate();
        _v2 = _doc.EncodeStateAsUpdateV2();
        _finalLength = trace.FinalText.Length;
    }

    [Benchmark(OperationsPerInvoke = WorkloadNames.EncodeOps)]
    [YjsBaseline(WorkloadNames.B4EncodeV1)]
    public int EncodeV1()
    {
        var n = 0;
        for (var i = 0; i < WorkloadNames.EncodeOps; i++)
        {
            n += _doc.EncodeStateAsUpdate().Length;
        }

        return n;
    }

    [Benchmark(OperationsPerInvoke = WorkloadNames.EncodeOps)]
    [YjsBaseline(WorkloadNames.B4EncodeV2)]
    public int EncodeV2()
    {
        var n = 0;
        for (var i = 0; i < WorkloadNames.EncodeOps; i++)
        {
            n += _doc.EncodeStateAsUpdateV2().Length;
        }

        return n;
    }

    [Benchmark(OperationsPerInvoke = WorkloadNames.DecodeOps)]
    [YjsBaseline(WorkloadNames.B4DecodeV1)]
    public void DecodeV1()
    {
        for (var i = 0; i < WorkloadNames.DecodeOps; i++)
        {
            var doc = new Doc();
            doc.ApplyUpdate(_v1);
            Check(doc);
        }
    }

    [Benchmark(OperationsPerInvoke = WorkloadNames.DecodeOps)]
    [YjsBaseline(WorkloadNames.B4DecodeV2)]
    public void DecodeV2()
    {
        for (var i = 0; i < WorkloadNames.DecodeOps; i++)
        {
            var doc = new Doc();
            doc.ApplyUpdateV2(_v2);
            Check(doc);
        }
    }

    private void Check(Doc doc)
    {
        if (doc.GetText("text").ToString().Length != _finalLength)
        {
            throw new InvalidOperationException("decoded text has the wrong length");
        }
    }
}
