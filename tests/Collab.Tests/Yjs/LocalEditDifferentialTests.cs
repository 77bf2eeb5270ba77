using System.Diagnostics;
using Collab.Yjs;
using Collab.Yjs.Lib0;

namespace Collab.Tests.Yjs;

/// <summary>
/// Local editing API against the real yjs: the same random edits (text with attributes and embeds, maps, arrays,
/// nested types, XML) are made on two yjs documents and on two Collab.Yjs documents, exchanging updates in the
/// same order; every emitted update and the final states must be byte-identical.
/// </summary>
public class LocalEditDifferentialTests
{
    private static readonly Lazy<List<JsObject>> Sessions = new(() => RunNode(Enumerable.Range(1, 200).ToList()));

    public static TheoryData<int> Seeds()
    {
        var data = new TheoryData<int>();
        for (var i = 1; i <= 200; i++)
        {
            data.Add(i);
        }

        return data;
    }

    private static List<JsObject> RunNode(List<int> seeds)
    {
        var psi = new ProcessStartInfo("node")
        {
            WorkingDirectory = Path.Combine(VectorFiles.Directory, "..", "..", "tests", "js"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.ArgumentList.Add("--input-type=module");
        psi.ArgumentList.Add("-e");
        psi.ArgumentList.Add(LocalEditScript.Source);
        psi.ArgumentList.Add("[" + string.Join(',', seeds) + "]");
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            p.Kill(true);
            throw new TimeoutException("node did not finish");
        }

        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException("node failed: " + stderr.Result);
        }

        return ((List<object?>)JsJson.Parse(stdout.Result)!).Cast<JsObject>().ToList();
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void LocalEditsProduceTheSameUpdatesAsYjs(int seed)
    {
        var session = Sessions.Value.Single(s => (double)s.Get("seed")! == seed);
        var check = new VectorChecker($"seed {seed}");
        var gc = (bool)session.Get("gc")!;
        var docs = new[] { new Doc(new DocOptions { ClientId = 1, Gc = gc }), new Doc(new DocOptions { ClientId = 2, Gc = gc }) };
        var emitted = new[] { new List<byte[]>(), new List<byte[]>() };
        var emittedV2 = new[] { new List<byte[]>(), new List<byte[]>() };
        for (var i = 0; i < 2; i++)
        {
            var k = i;
            docs[i].UpdateV2 += (_, e) =>
            {
                if (e.Origin as string != "remote")
                {
                    emittedV2[k].Add(e.Update);
                }
            };
            docs[i].Update += (_, e) =>
            {
                if (e.Origin as string != "remote")
                {
                    emitted[k].Add(e.Update);
                }
            };
        }

        var events = new[] { new List<string>(), new List<string>() };
        if (seed % 2 == 0)
        {
            for (var i = 0; i < 2; i++)
            {
                var log = events[i];
                docs[i].GetText("t").Observe((e, _) => log.Add("t " + EventJson.Delta(e.Delta)));
                docs[i].GetArray("a").Observe((e, _) => log.Add("a " + EventJson.Delta(e.Delta)));
                docs[i].GetMap("m").Observe((e, _) => log.Add("m " + EventJson.Keys(e.Keys)));
            }
        }

        var n = 0;
        foreach (var stepObj in session.List("steps"))
        {
            var step = (JsObject)stepObj!;
            var c = (int)(double)step.Get("c")!;
            if (step.Has("apply"))
            {
                check.Run($"step {n} apply", () => docs[c].ApplyUpdate(step.B64("apply"), "remote"));
            }
            else
            {
                var op = (List<object?>)TaggedJson.ToJs(JsJson.Parse(step.Str("op")))!;
                var before = emitted[c].Count;
                var beforeV2 = emittedV2[c].Count;
                check.Run($"step {n} {JsJson.Stringify(op[0])}", () => LocalOps.Apply(docs[c], op));
                var expected = step.List("emitted").Select(x => Convert.FromBase64String((string)x!)).ToList();
                var actual = emitted[c].Skip(before).ToList();
                check.True($"step {n} {step.Str("op")}: emitted {actual.Count} updates, yjs {expected.Count}", expected.Count == actual.Count);
                for (var i = 0; i < Math.Min(expected.Count, actual.Count); i++)
                {
                    check.Bytes($"step {n} {step.Str("op")} update {i}", expected[i], actual[i]);
                }

                var expectedV2 = step.List("emittedV2").Select(x => Convert.FromBase64String((string)x!)).ToList();
                var actualV2 = emittedV2[c].Skip(beforeV2).ToList();
                check.True($"step {n}: emitted {actualV2.Count} v2 updates, yjs {expectedV2.Count}", expectedV2.Count == actualV2.Count);
                for (var i = 0; i < Math.Min(expectedV2.Count, actualV2.Count); i++)
                {
                    check.Bytes($"step {n} {step.Str("op")} v2 update {i}", expectedV2[i], actualV2[i]);
                }
            }

            n++;
        }

        var expectedEvents = session.List("events");
        for (var i = 0; i < 2; i++)
        {
            var exp = ((List<object?>)expectedEvents[i]!).Cast<string>().ToList();
            check.True($"doc {i}: {events[i].Count} events, yjs {exp.Count}", exp.Count == events[i].Count);
            for (var k = 0; k < Math.Min(exp.Count, events[i].Count); k++)
            {
                check.Value($"doc {i} event {k}", exp[k], events[i][k]);
            }
        }

        var finals = session.List("final");
        for (var i = 0; i < 2; i++)
        {
            check.Bytes($"doc {i} final state", Convert.FromBase64String((string)finals[i]!), docs[i].EncodeStateAsUpdate());
        }

        check.AssertNoFailures();
    }
}
