using Collab.Yjs;
using Collab.Yjs.Lib0;

namespace Collab.Tests.Yjs;

/// <summary>Builds the vectors' comparison forms (toJSON, toDelta, deep dump) from Collab.Yjs values.</summary>
internal static class TypeDump
{
    public static object? Json(object? v) => v switch
    {
        Doc d => new JsObject { ["$doc"] = new JsObject { ["guid"] = d.Guid } },
        AbstractType t => Json(t.ToJson()),
        JsObject o => MapObj(o, Json),
        List<object?> l => l.Select(Json).ToList(),
        _ => v,
    };

    public static object? Deep(object? v)
    {
        switch (v)
        {
            case Doc d:
                return new JsObject { ["$doc"] = new JsObject { ["guid"] = d.Guid, ["opts"] = DocOptions(d) } };
            case YXmlText xt:
                return TextDump(xt, "xmltext");
            case YText t:
                return TextDump(t, "text");
            case YXmlHook h:
                return new JsObject { ["$type"] = "xmlhook", ["hookName"] = h.HookName, ["entries"] = Entries(h) };
            case YMap m:
                return new JsObject { ["$type"] = "map", ["entries"] = Entries(m) };
            case YArray a:
                return new JsObject { ["$type"] = "array", ["items"] = a.ToArray().Select(Deep).ToList() };
            case YXmlElement e:
                return new JsObject
                {
                    ["$type"] = "xmlelement",
                    ["nodeName"] = e.NodeName,
                    ["attrs"] = MapObj(e.GetAttributes(), Deep),
                    ["children"] = e.ToArray().Select(Deep).ToList(),
                };
            case YXmlFragment f:
                return new JsObject { ["$type"] = "xmlfragment", ["children"] = f.ToArray().Select(Deep).ToList() };
            case JsObject o:
                return MapObj(o, Deep);
            case List<object?> l:
                return l.Select(Deep).ToList();
            default:
                return v;
        }
    }

    public static List<object?> Delta(YText t) => t.ToDelta().Select(op => (object?)MapObj(op, Deep)).ToList();

    private static JsObject TextDump(YText t, string kind)
    {
        var o = new JsObject { ["$type"] = kind, ["delta"] = Delta(t) };
        var attrs = t.GetAttributes();
        if (attrs.Count > 0)
        {
            o.Set("attrs", MapObj(attrs, Deep));
        }

        return o;
    }

    private static JsObject Entries(YMap m)
    {
        var o = new JsObject();
        foreach (var k in m.Keys)
        {
            o.Set(k, Deep(m.Get(k)));
        }

        return o;
    }

    private static JsObject DocOptions(Doc d)
    {
        var o = new JsObject();
        if (!d.Gc)
        {
            o.Set("gc", false);
        }

        if (d.AutoLoad)
        {
            o.Set("autoLoad", true);
        }

        if (d.Meta is not null)
        {
            o.Set("meta", d.Meta);
        }

        return o;
    }

    private static JsObject MapObj(JsObject o, Func<object?, object?> f)
    {
        var r = new JsObject();
        foreach (var (k, v) in o)
        {
            r.Set(k, f(v));
        }

        return r;
    }
}
