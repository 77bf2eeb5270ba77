using System.Diagnostics;
using Collab.Yjs;
using Collab.Yjs.Lib0;

namespace Collab.Tests.Yjs;

public class B4TraceTests(ITestOutputHelper output)
{
    private static readonly Lazy<List<(int Pos, int Del, string Ins)>> Edits = new(LoadEdits);

    private static string TracePath(string file) => Path.Combine(VectorFiles.Directory, "..", "editing-traces", file);

    private static List<(int, int, string)> LoadEdits()
    {
        var arr = (List<object?>)JsJson.Parse(File.ReadAllText(TracePath("automerge-paper.json")))!;
        return arr.Select(e =>
        {
            var l = (List<object?>)e!;
            return ((int)(double)l[0]!, (int)(double)l[1]!, (string)l[2]!);
        }).ToList();
    }

    private static Doc Replay(Action<Doc>? subscribe, out List<byte[]> updates, out long ms) => Replay(subscribe, true, out updates, out ms, out _, out _, out _);

    private static Doc Replay(Action<Doc>? subscribe, bool keep, out List<byte[]> updates, out long ms, out double cpuMs, out long allocated, out int count)
    {
        var edits = Edits.Value;
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var alloc0 = System.GC.GetAllocatedBytesForCurrentThread();
        var doc = new Doc(new DocOptions { ClientId = 0xDEADBEEF });
        var collected = new List<byte[]>();
        var n = 0;
        doc.Update += (_, e) =>
        {
            n++;
            if (keep)
            {
                collected.Add(e.Update);
            }
        };
        subscribe?.Invoke(doc);
        var text = doc.GetText("text");
        var sw = Stopwatch.StartNew();
        foreach (var (pos, del, ins) in edits)
        {
            if (del > 0)
            {
                text.Delete(pos, del);
            }

            if (ins.Length > 0)
            {
                text.Insert(pos, ins);
            }
        }

        ms = sw.ElapsedMilliseconds;
        cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalMilliseconds;
        allocated = System.GC.GetAllocatedBytesForCurrentThread() - alloc0;
        updates = collected;
        count = n;
        return doc;
    }

    [Fact]
    public void ReplayingTheB4TraceProducesTheFinalTextAndOneUpdatePerEdit()
    {
        var doc = Replay(null, false, out _, out var ms, out var cpuMs, out var allocated, out var count);
        var final = File.ReadAllText(TracePath("automerge-paper.final.txt"));
        Assert.Equal(final, doc.GetText("text").ToString());
        Assert.Equal(Edits.Value.Count, count);
        var sw = Stopwatch.StartNew();
        var v1 = doc.EncodeStateAsUpdate();
        var encV1 = sw.Elapsed.TotalMilliseconds;
        sw.Restart();
        var d2 = new Doc();
        d2.ApplyUpdate(v1);
        Assert.Equal(final, d2.GetText("text").ToString());
        var decV1 = sw.Elapsed.TotalMilliseconds;
        sw.Restart();
        var v2 = doc.EncodeStateAsUpdateV2();
        var encV2 = sw.Elapsed.TotalMilliseconds;
        sw.Restart();
        var d3 = new Doc();
        d3.ApplyUpdateV2(v2);
        Assert.Equal(final, d3.GetText("text").ToString());
        var decV2 = sw.Elapsed.TotalMilliseconds;
        Assert.Equal(311038, v1.Length);
        Assert.Equal(159929, v2.Length);
        output.WriteLine($"replay {ms} ms (cpu {cpuMs:F0} ms, {allocated / 1e6:F0} MB allocated), encV1 {encV1:F1} decV1 {decV1:F1} encV2 {encV2:F1} decV2 {decV2:F1}, structs {doc.Store.Clients[0xDEADBEEF].Count}");
    }

    [Fact]
    public void MergingAllB4UpdatesInOneCallIsFastAndReproducesTheDocument()
    {
        var doc = Replay(null, out var updates, out _);
        var sw = Stopwatch.StartNew();
        var merged = YUpdates.MergeUpdates(updates);
        output.WriteLine($"merge {updates.Count} updates: {sw.ElapsedMilliseconds} ms, {merged.Length} bytes");
#if DEBUG
        var limit = TimeSpan.FromSeconds(30);
#else
        var limit = TimeSpan.FromSeconds(5);
#endif
        Assert.True(sw.Elapsed < limit, $"merge took {sw.Elapsed}");
        var fresh = new Doc();
        fresh.ApplyUpdate(merged);
        Assert.Equal(doc.GetText("text").ToString(), fresh.GetText("text").ToString());
    }
}
