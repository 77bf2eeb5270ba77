using System.Globalization;
using Collab.Yjs;
using Collab.Yjs.Lib0;

namespace Collab.Tests.Yjs.Differential;

/// <summary>Replays one yjs-oracle scenario with Collab.Yjs and records every difference from the real yjs.</summary>
internal sealed class ScenarioReplay(JsObject scenario, DiffChecker check)
{
    private readonly JsObject _roots = scenario.Obj("roots");
    private readonly JsObject _receiver = scenario.Obj("receiver");
    private readonly List<JsObject> _updates = scenario.List("updates").Cast<JsObject>().ToList();

    public void Run()
    {
        var expected = scenario.Obj("expected");
        var v1 = Receive(v2: false);
        if (v1 is not null)
        {
            CheckState("v1", v1, expected);
            CheckMerges(expected);
        }

        var v2 = Receive(v2: true);
        if (v2 is not null)
        {
            CheckState("v2", v2, scenario.Has("expectedWhenAppliedAsV2") ? scenario.Obj("expectedWhenAppliedAsV2") : expected);
        }
    }

    private Doc? Receive(bool v2)
    {
        var doc = new Doc(new DocOptions { ClientId = (long)(double)_receiver.Get("clientID")!, Gc = (bool)_receiver.Get("gc")! });
        if ((bool)_receiver.Get("rootsTypedBeforeApply")!)
        {
            foreach (var (name, kind) in _roots)
            {
                ScenarioVectorTests.GetRoot(doc, name, (string)kind!);
            }
        }

        var steps = scenario.List("steps");
        var format = v2 ? "v2" : "v1";
        for (var i = 0; i < _updates.Count; i++)
        {
            try
            {
                if (v2)
                {
                    doc.ApplyUpdateV2(_updates[i].B64("v2"), "remote");
                }
                else
                {
                    doc.ApplyUpdate(_updates[i].B64("v1"), "remote");
                }
            }
            catch (Exception e)
            {
                check.Fail($"{format}: applying update {i} threw {e.GetType().Name}: {e.Message}\n{e.StackTrace}");
                return null;
            }

            var sv = doc.EncodeStateVector();
            var expectedSv = Convert.FromBase64String((string)steps[i]!);
            if (!v2 && !expectedSv.AsSpan().SequenceEqual(sv))
            {
                check.Bytes($"{format}: state vector after update {i}", expectedSv, sv);
                return null;
            }
        }

        return doc;
    }

    private void CheckState(string p, Doc doc, JsObject expected)
    {
        foreach (var (name, kindObj) in _roots)
        {
            check.Run($"{p}: root {name}", () =>
            {
                var exp = expected.Obj("roots").Obj(name);
                var type = ScenarioVectorTests.GetRoot(doc, name, (string)kindObj!);
                if (exp.Has("toString"))
                {
                    check.Value($"{p}: root {name} toString", exp.Get("toString"), type.ToString());
                }

                if (exp.Has("toDelta"))
                {
                    check.Value($"{p}: root {name} toDelta", TaggedJson.ToJs(exp.Get("toDelta")), TypeDump.Delta((YText)type));
                }

                if (exp.Has("toJSON"))
                {
                    check.Value($"{p}: root {name} toJSON", TaggedJson.ToJs(exp.Get("toJSON")), TypeDump.Json(type.ToJson()));
                }

                check.Value($"{p}: root {name} deep", TaggedJson.ToJs(exp.Get("deep")), TypeDump.Deep(type));
            });
        }

        check.Bytes($"{p}: stateVector", expected.B64("stateVector"), doc.EncodeStateVector());
        check.Run($"{p}: stateAsUpdate", () => check.Bytes($"{p}: stateAsUpdate", expected.B64("stateAsUpdate"), doc.EncodeStateAsUpdate()));
        check.Run($"{p}: stateAsUpdateV2", () => check.Bytes($"{p}: stateAsUpdateV2", expected.B64("stateAsUpdateV2"), doc.EncodeStateAsUpdateV2()));
        CheckPending(p, expected.Obj("pending"), doc);
        var n = 0;
        foreach (var d in expected.List("diffs").Cast<JsObject>())
        {
            var sv = d.B64("stateVector");
            var label = $"{p}: diff {n++} against {Convert.ToHexStringLower(sv)}";
            check.Run(label, () => check.Bytes(label + " (v1)", d.B64("update"), doc.EncodeStateAsUpdate(sv)));
            check.Run(label, () => check.Bytes(label + " (v2)", d.B64("updateV2"), doc.EncodeStateAsUpdateV2(sv)));
        }
    }

    private void CheckPending(string p, JsObject pending, Doc doc)
    {
        object? actual = null;
        if (doc.PendingStructsMissing is { } missing)
        {
            var o = new JsObject();
            foreach (var (client, clock) in missing)
            {
                o.Set(client.ToString(CultureInfo.InvariantCulture), (double)clock);
            }

            actual = o;
        }

        check.Value($"{p}: pending structs (missing)", pending.Get("structs"), actual);
        check.True($"{p}: pending delete set expected {pending.Get("deleteSet")}", (pending.Get("deleteSet") is true) == doc.HasPendingDeleteSet);
    }

    // mergeUpdates must give the same bytes. Where the oracle flags mergeTie (a GC and an Item at the same id, which
    // yjs' sort comparator orders inconsistently) that takes reproducing V8's sort exactly; say so in the report.
    private void CheckMerges(JsObject expected)
    {
        if (!expected.Has("mergeUpdates"))
        {
            return;
        }

        var note = expected.Get("mergeTie") is true ? " (input has a GC and an Item at the same id: V8 sort order decides)" : string.Empty;
        check.Run("mergeUpdates", () => check.Bytes("mergeUpdates" + note, expected.B64("mergeUpdates"), YUpdates.MergeUpdates(_updates.Select(u => u.B64("v1")).ToList())));
        check.Run("mergeUpdatesV2", () => check.Bytes("mergeUpdatesV2" + note, expected.B64("mergeUpdatesV2"), YUpdates.MergeUpdatesV2(_updates.Select(u => u.B64("v2")).ToList())));
    }
}
