using System.Globalization;
using Collab.Tests.Support;
using Collab.Yjs.Lib0;

namespace Collab.Tests.Yjs.Differential;

/// <summary>
/// Differential fuzzing against the real yjs: tests/js/yjs-oracle/fuzz.mjs generates seeded random multi-client
/// sessions (every shared type, concurrency, reordering, duplicates, gc on and off, v1 and v2) and the results of
/// yjs; every scenario is replayed with Collab.Yjs and compared exactly.
/// COLLAB_FUZZ_SCENARIOS (default 500), COLLAB_FUZZ_SEED (default 1) and COLLAB_FUZZ_ARGS (extra fuzz.mjs
/// options, e.g. "--kinds text --max-ops 300") select a larger or different run; COLLAB_FUZZ_TIMEOUT_MINUTES
/// overrides the time limit (default 5 minutes plus 200 ms per scenario).
/// </summary>
public class DifferentialFuzzTests
{
    private const int MaxReportedScenarios = 10;

    [Fact]
    public async Task CollabYjsMatchesRealYjsOnSeededRandomSessions()
    {
        var count = EnvInt("COLLAB_FUZZ_SCENARIOS", 500);
        var seed = EnvInt("COLLAB_FUZZ_SEED", 1);
        var extra = (Environment.GetEnvironmentVariable("COLLAB_FUZZ_ARGS") ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var limit = EnvInt("COLLAB_FUZZ_TIMEOUT_MINUTES", 0) is > 0 and var minutes
            ? TimeSpan.FromMinutes(minutes)
            : TimeSpan.FromMinutes(5) + TimeSpan.FromMilliseconds(200.0 * count);
        using var cts = new CancellationTokenSource(limit);
        string[] args = ["yjs-oracle/fuzz.mjs", "--seed", seed.ToString(CultureInfo.InvariantCulture), "--count", count.ToString(CultureInfo.InvariantCulture), .. extra];
        using var node = NodeScript.Start(args[0], args[1..]);

        var failures = new List<string>();
        int scenarios = 0, failing = 0, mergeTies = 0;
        while (await ReadLineOrTimeoutAsync(node, cts.Token) is { } line)
        {
            var scenario = (JsObject)JsJson.Parse(line)!;
            var index = (double)scenario.Get("index")!;
            var check = new DiffChecker($"scenario {index} ({scenario.Str("kind")}, {scenario.Str("description")})");
            var replay = new ScenarioReplay(scenario, check);
            check.Run("replay", replay.Run);
            scenarios++;
            mergeTies += scenario.Obj("expected").Get("mergeTie") is true ? 1 : 0;
            if (!check.Passed)
            {
                failing++;
                if (failures.Count < MaxReportedScenarios)
                {
                    failures.Add(check.Report() + $"\n  reproduce: cd tests/js && node yjs-oracle/fuzz.mjs --seed {seed} --start {index} --count 1 --pretty {string.Join(' ', extra)}");
                }
            }
        }

        Assert.False(cts.IsCancellationRequested, $"timed out after {limit} with {scenarios} of {count} scenarios replayed, {failing} failing:\n\n" + string.Join("\n\n", failures));
        await node.WaitForExitAsync(cts.Token);
        TestContext.Current.TestOutputHelper?.WriteLine($"{scenarios} scenarios (seed {seed}), {failing} failing ({mergeTies} with a GC/Item tie in the mergeUpdates input)");
        Assert.Equal(count, scenarios);
        Assert.True(failing == 0, $"{failing} of {scenarios} scenarios differ from yjs (seed {seed}):\n\n" + string.Join("\n\n", failures));
    }

    private static async Task<string?> ReadLineOrTimeoutAsync(NodeScript node, CancellationToken cancellationToken)
    {
        try
        {
            return await node.Output.ReadLineAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    private static int EnvInt(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= 0 ? v : fallback;
}
