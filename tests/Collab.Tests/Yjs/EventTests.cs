using Collab.Yjs;
using Collab.Yjs.Lib0;

namespace Collab.Tests.Yjs;

public class EventTests
{
    private static string Show(IReadOnlyList<YDeltaOp> delta) => JsJson.Stringify(delta.Select(op =>
    {
        var o = new JsObject();
        if (op.Insert is not null)
        {
            o.Set("insert", op.Insert);
        }

        if (op.Retain is { } r)
        {
            o.Set("retain", (double)r);
        }

        if (op.Delete is { } d)
        {
            o.Set("delete", (double)d);
        }

        if (op.Attributes is not null)
        {
            o.Set("attributes", op.Attributes);
        }

        return (object?)o;
    }).ToList());

    [Fact]
    public void ObserversSeeTheSameDeltasAndKeyChangesAsYjs()
    {
        var d = new Doc(new DocOptions { ClientId = 1 });
        var t = d.GetText("t");
        var m = d.GetMap("m");
        var a = d.GetArray("a");
        var log = new List<string>();
        t.Observe((e, _) => log.Add("text " + Show(e.Delta)));
        a.Observe((e, _) => log.Add("array " + Show(e.Delta)));
        m.Observe((e, _) => log.Add("map " + string.Join(",", e.Keys.Select(k => $"{k.Key}:{k.Value.Action}:{JsJson.Stringify(k.Value.OldValue)}"))));
        m.ObserveDeep((es, _) => log.Add("deep " + string.Join("|", es.Select(e => string.Join("/", e.Path)))));
        t.Insert(0, "hello world", new JsObject { ["bold"] = true });
        t.Format(2, 3, new JsObject { ["italic"] = true });
        t.Delete(0, 1);
        d.Transact(_ =>
        {
            t.Insert(3, "X");
            t.Format(0, 2, new JsObject { ["bold"] = null });
        });
        a.Push(new List<object?> { 1, 2, 3 });
        a.Delete(1, 1);
        a.Insert(1, new List<object?> { "x" });
        m.Set("k", 1);
        m.Set("k", 2);
        m.Delete("k");
        var inner = new YMap();
        m.Set("inner", inner);
        inner.Set("z", 1);
        Assert.Equal(
            [
                "text [{\"insert\":\"hello world\",\"attributes\":{\"bold\":true}}]",
                "text [{\"retain\":2},{\"retain\":3,\"attributes\":{\"italic\":true}}]",
                "text [{\"delete\":1}]",
                "text [{\"retain\":2,\"attributes\":{\"bold\":null}},{\"retain\":1},{\"insert\":\"X\",\"attributes\":{\"italic\":true,\"bold\":true}}]",
                "array [{\"insert\":[1,2,3]}]",
                "array [{\"retain\":1},{\"delete\":1}]",
                "array [{\"retain\":1},{\"insert\":[\"x\"]}]",
                "map k:Add:undefined",
                "deep ",
                "map k:Update:1",
                "deep ",
                "map k:Delete:2",
                "deep ",
                "map inner:Add:undefined",
                "deep ",
                "deep inner",
            ],
            log);
    }

    [Fact]
    public void AfterTransactionReportsInsertedDeletedAndChangedTypes()
    {
        var d = new Doc(new DocOptions { ClientId = 5 });
        var seen = new List<Transaction>();
        d.AfterTransaction += (_, tr) => seen.Add(tr);
        d.Transact("me", _ =>
        {
            d.GetText("t").Insert(0, "abc");
            d.GetText("t").Delete(1, 1);
            d.GetMap("m").Set("x", true);
        });
        var tr = Assert.Single(seen);
        Assert.Equal("me", tr.Origin);
        Assert.True(tr.Local);
        Assert.Equal(0, tr.BeforeState.GetValueOrDefault(5));
        Assert.Equal(4, tr.AfterState[5]);
        Assert.Equal([(1L, 1L)], tr.Deleted[5]);
        Assert.Equal(["t", "m"], tr.ChangedTypes.Select(c => c.Type.Name!).ToArray());
    }

    [Fact]
    public void ARemoteUpdateWithTheOwnClientIdMakesTheDocumentPickANewClientId()
    {
        var a = new Doc(new DocOptions { ClientId = 77 });
        a.GetText("t").Insert(0, "x");
        var b = new Doc(new DocOptions { ClientId = 77 });
        b.ApplyUpdate(a.EncodeStateAsUpdate());
        Assert.NotEqual(77, b.ClientId);
        b.GetText("t").Insert(1, "y");
        a.ApplyUpdate(b.EncodeStateAsUpdate());
        Assert.Equal("xy", a.GetText("t").ToString());
    }

    [Fact]
    public void EveryTransactionEmitsOneUpdateThatReproducesTheEdits()
    {
        var a = new Doc(new DocOptions { ClientId = 1 });
        var b = new Doc(new DocOptions { ClientId = 2 });
        a.UpdateV2 += (_, e) => b.ApplyUpdateV2(e.Update, "a");
        var count = 0;
        a.Update += (_, _) => count++;
        a.GetArray("list").Push(new List<object?> { 1, "two", new JsObject { ["three"] = 3.0 } });
        a.GetXmlFragment("x").Insert(0, new List<object?> { new YXmlElement("p") });
        ((YXmlElement)a.GetXmlFragment("x").Get(0)!).SetAttribute("class", "c");
        Assert.Equal(3, count);
        Assert.Equal(JsJson.Stringify(a.GetArray("list").ToJson()), JsJson.Stringify(b.GetArray("list").ToJson()));
        Assert.Equal("<p class=\"c\"></p>", b.GetXmlFragment("x").ToString());
    }
}

public class ListenerFailureTests
{
    [Fact]
    public void AThrowingListenerDoesNotBreakTheDocument()
    {
        var d = new Doc(new DocOptions { ClientId = 1 });
        var calls = 0;
        d.GetText("t").Observe((_, _) => throw new InvalidOperationException("boom"));
        d.GetText("t").Observe((_, _) => calls++);
        var updates = 0;
        d.Update += (_, _) => updates++;
        Assert.Throws<InvalidOperationException>(() => d.GetText("t").Insert(0, "a"));
        Assert.Equal(1, calls);
        Assert.Equal(1, updates);
        Assert.Throws<InvalidOperationException>(() => d.GetText("t").Insert(1, "b"));
        Assert.Equal(2, calls);
        Assert.Equal(2, updates);
        Assert.Equal("ab", d.GetText("t").ToString());
    }
}
