using System.Text.Json;
using Collab.Yjs.Lib0;
using Collab.Yjs.Protocols;
using Collab.Tests.Support;

namespace Collab.Tests.Yjs.Protocols;

/// <summary>
/// Replays seeded random sessions recorded from y-protocols' Awareness (yjs-oracle/awareness-trace.mjs) and
/// compares every event, state, clock, timestamp and encoded update.
/// </summary>
public class AwarenessTraceTests
{
    private static readonly TimeSpan NodeTimeout = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public async Task ReplayingAYProtocolsSessionGivesTheSameEventsStatesAndBytes(int seed)
    {
        var output = await NodeScript.RunAsync(NodeTimeout, "yjs-oracle/awareness-trace.mjs", "--seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture), "--steps", "400");
        using var trace = JsonDocument.Parse(output);
        var root = trace.RootElement;
        var time = new ManualTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(root.GetProperty("start").GetInt64()));
        var events = new List<string>();
        var peers = new Dictionary<string, Awareness>();
        foreach (var p in root.GetProperty("ids").EnumerateObject())
        {
            var name = p.Name;
            var awareness = new Awareness(p.Value.GetUInt64(), time);
            awareness.Change += (_, e) => events.Add(Describe(name, "change", e));
            awareness.Update += (_, e) => events.Add(Describe(name, "update", e));
            peers[name] = awareness;
        }

        try
        {
            var index = 0;
            foreach (var step in root.GetProperty("steps").EnumerateArray())
            {
                var where = $"seed {seed}, step {index++} ({step.GetProperty("op").GetString()})";
                Replay(step, peers, time, where);
                var expectedEvents = step.GetProperty("events").EnumerateArray().Select(e => Describe(e)).ToList();
                Assert.True(expectedEvents.SequenceEqual(events), $"{where}: events\nexpected {string.Join(" | ", expectedEvents)}\nactual   {string.Join(" | ", events)}");
                events.Clear();
                AssertSnapshot(step.GetProperty("after"), peers, root.GetProperty("start").GetInt64(), where);
            }
        }
        finally
        {
            foreach (var a in peers.Values)
            {
                a.Dispose();
            }
        }
    }

    private static void Replay(JsonElement step, Dictionary<string, Awareness> peers, ManualTimeProvider time, string where)
    {
        switch (step.GetProperty("op").GetString())
        {
            case "start":
                break;
            case "setLocalState":
                peers[step.GetProperty("peer").GetString()!].SetLocalState(JsJson.Parse(step.GetProperty("state").GetRawText()));
                break;
            case "encode":
                var clients = step.GetProperty("clients").EnumerateArray().Select(c => c.GetUInt64()).ToList();
                Assert.True(step.GetProperty("update").GetString() == Convert.ToHexStringLower(peers[step.GetProperty("peer").GetString()!].EncodeUpdate(clients)), $"{where}: encoded update");
                break;
            case "apply":
                peers[step.GetProperty("peer").GetString()!].ApplyUpdate(Convert.FromHexString(step.GetProperty("update").GetString()!), step.GetProperty("origin").GetString());
                break;
            case "remove":
                peers[step.GetProperty("peer").GetString()!].RemoveStates(step.GetProperty("clients").EnumerateArray().Select(c => c.GetUInt64()).ToList(), step.GetProperty("origin").GetString());
                break;
            case "advance":
                time.Advance(TimeSpan.FromMilliseconds(step.GetProperty("ms").GetInt32()));
                break;
            case var other:
                throw new InvalidOperationException("unknown op " + other);
        }
    }

    private static void AssertSnapshot(JsonElement after, Dictionary<string, Awareness> peers, long start, string where)
    {
        foreach (var p in after.EnumerateObject())
        {
            var awareness = peers[p.Name];
            var expectedStates = p.Value.GetProperty("states").EnumerateObject().ToDictionary(s => ulong.Parse(s.Name, System.Globalization.CultureInfo.InvariantCulture), s => s.Value.GetString());
            var actualStates = awareness.GetStates().ToDictionary(kv => kv.Key, kv => (string?)JsJson.Stringify(kv.Value));
            Assert.True(expectedStates.OrderBy(kv => kv.Key).SequenceEqual(actualStates.OrderBy(kv => kv.Key)), $"{where}: states of {p.Name}");
            var expectedMeta = p.Value.GetProperty("meta").EnumerateObject().ToDictionary(
                s => ulong.Parse(s.Name, System.Globalization.CultureInfo.InvariantCulture),
                s => new AwarenessMeta(s.Value.GetProperty("clock").GetUInt64(), start + s.Value.GetProperty("lastUpdated").GetInt64()));
            Assert.True(expectedMeta.OrderBy(kv => kv.Key).SequenceEqual(awareness.GetMeta().OrderBy(kv => kv.Key)), $"{where}: meta of {p.Name}");
        }
    }

    private static string Describe(string peer, string kind, AwarenessChangeEventArgs e) =>
        $"{peer} {kind} +[{string.Join(',', e.Added)}] ~[{string.Join(',', e.Updated)}] -[{string.Join(',', e.Removed)}] {e.Origin}";

    private static string Describe(JsonElement e)
    {
        static string List(JsonElement l) => string.Join(',', l.EnumerateArray().Select(x => x.GetUInt64()));
        return $"{e.GetProperty("peer").GetString()} {e.GetProperty("event").GetString()} +[{List(e.GetProperty("added"))}] ~[{List(e.GetProperty("updated"))}] -[{List(e.GetProperty("removed"))}] {e.GetProperty("origin").GetString()}";
    }
}
