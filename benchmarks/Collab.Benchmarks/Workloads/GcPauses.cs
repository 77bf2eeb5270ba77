using System.Diagnostics;
using System.Globalization;
using Collab.Yjs;

namespace Collab.Benchmarks.Workloads;

/// <summary>
/// A sync server's documents under random-position editing, in one process: 200 documents, single-character inserts
/// by five clients each at random positions, applied as remote updates round-robin over the documents. Reports the
/// GC's pauses with items from <see cref="ItemPool"/> (the default) and, as the baseline in the same run, with freshly
/// allocated items. Run with <c>--gc-pauses [inserts per document]</c>.
/// </summary>
internal static class GcPauses
{
    public static void Run(int perDocument)
    {
        const int documents = 200;
        Console.WriteLine($"Generating {documents} × {perDocument} single-character updates at random positions…");
        var updates = Generate(documents, perDocument);
        var results = new List<string>();
        foreach (var pooled in new[] { false, true })
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            results.Add(Measure(updates, pooled));
        }

        Console.WriteLine();
        Console.WriteLine("| items | run (s) | collections gen0 / gen1 / gen2 | total pause (ms) | mean / max gen0 pause (ms) | mean gen1 pause (ms) |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        results.ForEach(Console.WriteLine);
    }

    private static byte[][][] Generate(int documents, int perDocument)
    {
        var random = new Random(1);
        var updates = new byte[documents][][];
        for (var d = 0; d < documents; d++)
        {
            var source = new Doc();
            var text = source.GetText("default");
            var list = new List<byte[]>(perDocument);
            source.Update += (_, e) => list.Add(e.Update);
            for (var i = 0; i < perDocument; i++)
            {
                source.ClientId = 1000 + (d * 10) + random.Next(5);
                text.Insert(random.Next(text.Length + 1), "x");
            }

            updates[d] = [.. list];
        }

        return updates;
    }

    private static string Measure(byte[][][] updates, bool pooled)
    {
        ItemPool.Enabled = pooled;
        try
        {
            var documents = updates.Select(_ => new Doc()).ToArray();
            var gen0 = new List<double>();
            var gen1 = new List<double>();
            long lastIndex = GC.GetGCMemoryInfo(GCKind.Any).Index;
            var counts = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
            var pause = GC.GetTotalPauseDuration();
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < updates[0].Length; i++)
            {
                for (var d = 0; d < documents.Length; d++)
                {
                    documents[d].ApplyUpdate(updates[d][i]);
                    var info = GC.GetGCMemoryInfo(GCKind.Any);
                    if (info.Index != lastIndex)
                    {
                        lastIndex = info.Index;
                        (info.Generation == 0 ? gen0 : gen1).Add(info.PauseDurations[0].TotalMilliseconds + info.PauseDurations[1].TotalMilliseconds);
                    }
                }

                if ((i + 1) % 1000 == 0)
                {
                    Console.WriteLine($"  {(pooled ? "pooled" : "fresh")}: {(i + 1) * documents.Length:N0} updates applied, {clock.Elapsed.TotalSeconds:F1} s");
                }
            }

            clock.Stop();
            var total = (GC.GetTotalPauseDuration() - pause).TotalMilliseconds;
            GC.KeepAlive(documents);
            return string.Create(
                CultureInfo.InvariantCulture,
                $"| {(pooled ? "aged, from ItemPool" : "freshly allocated (baseline)")} | {clock.Elapsed.TotalSeconds:F1} | {GC.CollectionCount(0) - counts.Item1} / {GC.CollectionCount(1) - counts.Item2} / {GC.CollectionCount(2) - counts.Item3} | {total:F0} | {(gen0.Count > 0 ? gen0.Average() : 0):F1} / {(gen0.Count > 0 ? gen0.Max() : 0):F1} | {(gen1.Count > 0 ? gen1.Average() : 0):F1} |");
        }
        finally
        {
            ItemPool.Enabled = true;
        }
    }
}
