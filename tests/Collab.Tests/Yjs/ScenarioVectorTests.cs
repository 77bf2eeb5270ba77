using Collab.Yjs;
using Collab.Yjs.Lib0;

namespace Collab.Tests.Yjs;

public class ScenarioVectorTests
{
    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var f in VectorFiles.ScenarioFiles())
        {
            data.Add(f);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void ReceiverMatchesRealYjs(string file)
    {
        var v = VectorFiles.Load(file);
        var check = new VectorChecker(file);
        var receiver = v.Obj("receiver");
        var roots = v.Obj("roots");
        var doc = new Doc(new DocOptions { ClientId = (long)(double)receiver.Get("clientID")!, Gc = (bool)receiver.Get("gc")! });
        if ((bool)receiver.Get("rootsTypedBeforeApply")!)
        {
            foreach (var (name, kind) in roots)
            {
                GetRoot(doc, name, (string)kind!);
            }
        }

        var transactions = new List<object?>();
        var emitted = new List<byte[]>();
        doc.AfterTransaction += (_, t) => transactions.Add(TransactionRecord.Describe(t));
        doc.Update += (_, e) =>
        {
            if (e.Transaction.Local)
            {
                emitted.Add(e.Update);
            }
        };

        var updates = v.List("updates").Cast<JsObject>().ToList();
        var steps = v.List("steps").Cast<JsObject>().ToList();
        for (var i = 0; i < updates.Count; i++)
        {
            transactions.Clear();
            emitted.Clear();
            var step = steps[i];
            check.Run($"apply update {i}", () => doc.ApplyUpdate(updates[i].B64("v1"), "remote"));
            check.Bytes($"step {i} stateVector", step.B64("stateVector"), doc.EncodeStateVector());
            CheckPending(check, $"step {i}", step.Get("pendingStructs"), step.Get("pendingDeleteSet"), doc);
            if (step.Get("transactions") is List<object?> expectedTx)
            {
                check.Value($"step {i} transactions", TransactionRecord.Normalize(expectedTx), TransactionRecord.Normalize(transactions));
            }

            var expectedEmitted = step.Get("emitted") is List<object?> em ? em.Select(x => Convert.FromBase64String((string)x!)).ToList() : [];
            check.True($"step {i} emitted count {expectedEmitted.Count} vs {emitted.Count}", expectedEmitted.Count == emitted.Count);
            for (var k = 0; k < Math.Min(expectedEmitted.Count, emitted.Count); k++)
            {
                check.Bytes($"step {i} emitted {k}", expectedEmitted[k], emitted[k]);
            }
        }

        var expected = v.Obj("expected");
        CheckFinalState(check, doc, expected, roots, v2: false);
        ExpectedExtras.Check(check, v, doc, updates);
        if (updates.All(u => u.Has("v2")))
        {
            var doc2 = new Doc(new DocOptions { ClientId = (long)(double)receiver.Get("clientID")!, Gc = (bool)receiver.Get("gc")! });
            if ((bool)receiver.Get("rootsTypedBeforeApply")!)
            {
                foreach (var (name, kind) in roots)
                {
                    GetRoot(doc2, name, (string)kind!);
                }
            }

            for (var i = 0; i < updates.Count; i++)
            {
                check.Run($"apply v2 update {i}", () => doc2.ApplyUpdateV2(updates[i].B64("v2"), "remote"));
            }

            check.Run("v2 final state", () => CheckFinalState(check, doc2, expected, roots, v2: true));
        }

        check.AssertNoFailures();
    }

    internal static AbstractType GetRoot(Doc doc, string name, string kind) => kind switch
    {
        "text" => doc.GetText(name),
        "map" => doc.GetMap(name),
        "array" => doc.GetArray(name),
        "xmlFragment" => doc.GetXmlFragment(name),
        "xmlElement" => doc.GetXmlElement(name),
        _ => throw new InvalidOperationException(kind),
    };

    private static void CheckPending(VectorChecker check, string what, object? pendingStructs, object? pendingDs, Doc doc)
    {
        object? actualMissing = null;
        if (doc.PendingStructsMissing is { } missing)
        {
            var o = new JsObject();
            foreach (var (c, k) in missing)
            {
                o.Set(c.ToString(System.Globalization.CultureInfo.InvariantCulture), (double)k);
            }

            actualMissing = o;
        }

        var expectedMissing = pendingStructs is JsObject ps ? ps.Get("missing") : null;
        check.Value($"{what} pendingStructs", expectedMissing, actualMissing);
        check.True($"{what} pendingDeleteSet expected {pendingDs is true}", (pendingDs is true) == doc.HasPendingDeleteSet);
    }

    private static void CheckFinalState(VectorChecker check, Doc doc, JsObject expected, JsObject roots, bool v2)
    {
        var p = v2 ? "v2: " : string.Empty;
        check.Run(p + "roots", () =>
        {
            foreach (var (name, kindObj) in roots)
            {
                var kind = (string)kindObj!;
                var exp = expected.Obj("roots").Obj(name);
                var type = GetRoot(doc, name, kind);
                if (exp.Has("toString"))
                {
                    check.Value($"{p}root {name} toString", exp.Get("toString"), type.ToString());
                }

                if (exp.Has("toDelta"))
                {
                    check.Value($"{p}root {name} toDelta", TaggedJson.ToJs(exp.Get("toDelta")), TypeDump.Delta((YText)type));
                }

                if (exp.Has("toJSON"))
                {
                    check.Value($"{p}root {name} toJSON", TaggedJson.ToJs(exp.Get("toJSON")), TypeDump.Json(type.ToJson()));
                }

                check.Value($"{p}root {name} deep", TaggedJson.ToJs(exp.Get("deep")), TypeDump.Deep(type));
            }
        });
        check.Bytes(p + "stateVector", expected.B64("stateVector"), doc.EncodeStateVector());
        check.Run(p + "stateAsUpdate", () => check.Bytes(p + "stateAsUpdate", expected.B64("stateAsUpdate"), doc.EncodeStateAsUpdate()));
        if (expected.Has("stateAsUpdateV2"))
        {
            check.Run(p + "stateAsUpdateV2", () => check.Bytes(p + "stateAsUpdateV2", expected.B64("stateAsUpdateV2"), doc.EncodeStateAsUpdateV2()));
        }

        check.Value(p + "deleteSet", TaggedJson.ToJs(expected.Get("deleteSet")), StoreDump.DeleteSet(doc));
        if (expected.Has("storeShape"))
        {
            check.Value(p + "storeShape", TaggedJson.ToJs(expected.Get("storeShape")), StoreDump.Shape(doc));
        }

        CheckPending(check, p + "final", expected.Get("pendingStructs"), expected.Get("pendingDeleteSet"), doc);
    }
}
