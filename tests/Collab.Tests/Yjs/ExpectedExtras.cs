using Collab.Yjs;
using Collab.Yjs.Lib0;

namespace Collab.Tests.Yjs;

/// <summary>Checks the diffs and update-function expectations of a scenario vector.</summary>
internal static class ExpectedExtras
{
    public static void Check(VectorChecker check, JsObject v, Doc doc, List<JsObject> updates)
    {
        var expected = v.Obj("expected");
        var stateAsUpdate = expected.B64("stateAsUpdate");
        if (expected.Get("diffs") is List<object?> diffs)
        {
            var n = 0;
            foreach (var dObj in diffs)
            {
                var d = (JsObject)dObj!;
                var sv = d.B64("stateVector");
                var label = $"diff {n++} (afterStep {JsJson.Stringify(d.Get("afterStep"))})";
                check.Run(label + " stateAsUpdate", () => check.Bytes(label + " stateAsUpdate", d.B64("stateAsUpdate"), doc.EncodeStateAsUpdate(sv)));
                check.Run(label + " diffUpdate", () => check.Bytes(label + " diffUpdate", d.B64("diffUpdate"), YUpdates.DiffUpdate(stateAsUpdate, sv)));
                if (d.Has("stateAsUpdateV2"))
                {
                    check.Run(label + " stateAsUpdateV2", () => check.Bytes(label + " stateAsUpdateV2", d.B64("stateAsUpdateV2"), doc.EncodeStateAsUpdateV2(sv)));
                }

                if (d.Has("diffUpdateV2") && expected.Has("stateAsUpdateV2"))
                {
                    check.Run(label + " diffUpdateV2", () => check.Bytes(label + " diffUpdateV2", d.B64("diffUpdateV2"), YUpdates.DiffUpdateV2(expected.B64("stateAsUpdateV2"), sv)));
                }
            }
        }

        var v1 = updates.Select(u => u.B64("v1")).ToList();
        if (expected.Has("mergeUpdates"))
        {
            check.Run("mergeUpdates", () => check.Bytes("mergeUpdates", expected.B64("mergeUpdates"), YUpdates.MergeUpdates(v1)));
        }

        if (expected.Has("stateVectorFromMergedUpdate"))
        {
            check.Run("stateVectorFromMergedUpdate", () => check.Bytes("stateVectorFromMergedUpdate", expected.B64("stateVectorFromMergedUpdate"), YUpdates.EncodeStateVectorFromUpdate(expected.B64("mergeUpdates"))));
        }

        if (expected.Has("stateVectorFromStateAsUpdate"))
        {
            check.Run("stateVectorFromStateAsUpdate", () => check.Bytes("stateVectorFromStateAsUpdate", expected.B64("stateVectorFromStateAsUpdate"), YUpdates.EncodeStateVectorFromUpdate(stateAsUpdate)));
        }

        if (expected.Has("mergeUpdatesV2") && updates.All(u => u.Has("v2")))
        {
            var v2 = updates.Select(u => u.B64("v2")).ToList();
            check.Run("mergeUpdatesV2", () => check.Bytes("mergeUpdatesV2", expected.B64("mergeUpdatesV2"), YUpdates.MergeUpdatesV2(v2)));
            if (expected.Has("stateVectorFromMergedUpdateV2"))
            {
                check.Run("stateVectorFromMergedUpdateV2", () => check.Bytes("stateVectorFromMergedUpdateV2", expected.B64("stateVectorFromMergedUpdateV2"), YUpdates.EncodeStateVectorFromUpdateV2(expected.B64("mergeUpdatesV2"))));
            }
        }

        if (expected.Get("mergeUpdatesApplyMatches") is true && expected.Has("mergeUpdates"))
        {
            check.Run("apply mergeUpdates", () =>
            {
                var fresh = new Doc(new DocOptions { ClientId = 999998, Gc = doc.Gc });
                fresh.ApplyUpdate(expected.B64("mergeUpdates"));
                foreach (var (name, kind) in v.Obj("roots"))
                {
                    var a = ScenarioVectorTests.GetRoot(fresh, name, (string)kind!);
                    var b = ScenarioVectorTests.GetRoot(doc, name, (string)kind!);
                    check.Value($"mergeUpdates applied root {name}", TypeDump.Json(b.ToJson()), TypeDump.Json(a.ToJson()));
                }
            });
        }
    }
}
