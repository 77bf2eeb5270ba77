using System.Globalization;
using BenchmarkDotNet.Running;
using Collab.Benchmarks.Comparison;

// Collab.Benchmarks: BenchmarkDotNet workloads, then the same workloads measured with the real yjs (node) and a
// comparison table. Own options (removed before BenchmarkDotNet sees the arguments):
//   --no-yjs            skip the yjs baseline and the memory probe
//   --yjs-timeout-s N   time limit per baseline workload (default 120; yjs needs far longer to merge all B4 updates)
//   --gc-pauses [N]     instead: GC pauses of 200 documents edited at random positions (N inserts each, default
//                       6000), items from ItemPool against freshly allocated items, same run
if (Array.IndexOf(args, "--gc-pauses") is var gcIndex and >= 0)
{
    var perDocument = gcIndex + 1 < args.Length ? int.Parse(args[gcIndex + 1], CultureInfo.InvariantCulture) : 6000;
    Collab.Benchmarks.Workloads.GcPauses.Run(perDocument);
    return;
}

var ownFlags = new[] { "--no-yjs", "--yjs-timeout-s" };
var noYjs = args.Contains("--no-yjs");
var timeoutIndex = Array.IndexOf(args, "--yjs-timeout-s");
var timeoutS = timeoutIndex >= 0 && timeoutIndex + 1 < args.Length ? int.Parse(args[timeoutIndex + 1], CultureInfo.InvariantCulture) : 120;
var bdnArgs = args.Where((a, i) => !ownFlags.Contains(a) && !(timeoutIndex >= 0 && i == timeoutIndex + 1)).ToArray();

var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(bdnArgs).ToList();
var ours = ComparisonTable.OurTimes(summaries);
if (noYjs || ours.Count == 0)
{
    return;
}

Console.WriteLine("Measuring memory held by the final B4 document…");
var ourBytes = MemoryProbe.Measure();
Console.WriteLine($"Running the yjs baseline ({ours.Count + ourBytes.Count} workloads, up to {timeoutS} s each)…");
var (yjs, environment) = YjsBaselineRunner.Run([.. ours.Keys, .. ourBytes.Keys], timeoutS);
var table = ComparisonTable.Render(ours, ourBytes, yjs, environment);
Console.WriteLine();
Console.WriteLine(table);
var resultsDir = summaries.Select(s => s.ResultsDirectoryPath).FirstOrDefault(p => !string.IsNullOrEmpty(p))
    ?? Path.Combine("BenchmarkDotNet.Artifacts", "results");
Directory.CreateDirectory(resultsDir);
var path = Path.Combine(resultsDir, "yjs-comparison.md");
File.WriteAllText(path, table);
Console.WriteLine($"Comparison written to {path}");
