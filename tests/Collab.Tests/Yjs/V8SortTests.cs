using System.Diagnostics;
using Collab.Yjs;
using Collab.Yjs.Lib0;

namespace Collab.Tests.Yjs;

public class V8SortTests
{
    private const string Script = """
let seed = 7
const rnd = () => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed / 0x7fffffff }
const cases = []
for (let t = 0; t < 300; t++) {
  const n = 1 + Math.floor(rnd() * 600)
  const arr = []
  for (let i = 0; i < n; i++) arr.push({ id: i, k: Math.floor(rnd() * (t % 3 === 0 ? 5 : 60)), kind: Math.floor(rnd() * 2) })
  const input = arr.map(x => [x.id, x.k, x.kind])
  arr.sort((a, b) => a.k === b.k ? (a.kind === b.kind ? 0 : -1) : a.k - b.k)
  cases.push({ input, output: arr.map(x => x.id) })
}
process.stdout.write(JSON.stringify(cases))
""";

    [Fact]
    public void SortingWithAnInconsistentComparatorGivesTheSameOrderAsNode()
    {
        var psi = new ProcessStartInfo("node") { RedirectStandardOutput = true };
        psi.ArgumentList.Add("-e");
        psi.ArgumentList.Add(Script);
        using var p = Process.Start(psi)!;
        var json = p.StandardOutput.ReadToEnd();
        Assert.True(p.WaitForExit(TimeSpan.FromMinutes(1)));
        var cases = ((List<object?>)JsJson.Parse(json)!).Cast<JsObject>().ToList();
        foreach (var c in cases)
        {
            var input = c.List("input").Select(x => ((List<object?>)x!).Select(v => (int)(double)v!).ToArray()).ToArray();
            var expected = c.List("output").Select(v => (int)(double)v!).ToArray();
            var sorter = new V8Sort<int[]>((a, b) => a[1] == b[1] ? (a[2] == b[2] ? 0 : -1) : a[1] - b[1]);
            sorter.Sort(input, input.Length);
            Assert.Equal(expected, input.Select(x => x[0]).ToArray());
        }
    }
}
