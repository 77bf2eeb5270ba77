using Collab.Yjs;
using Collab.Yjs.Lib0;

namespace Collab.Tests.Yjs;

/// <summary>Renders events the way <c>JSON.stringify</c> renders the yjs event objects.</summary>
internal static class EventJson
{
    public static string Delta(IReadOnlyList<YDeltaOp> delta) => JsJson.Stringify(delta.Select(op =>
    {
        var o = new JsObject();
        if (op.Insert is not null)
        {
            o.Set("insert", Value(op.Insert));
        }

        if (op.Delete is { } d)
        {
            o.Set("delete", (double)d);
        }

        if (op.Retain is { } r)
        {
            o.Set("retain", (double)r);
        }

        if (op.Attributes is not null)
        {
            o.Set("attributes", Value(op.Attributes));
        }

        return (object?)o;
    }).ToList());

    public static string Keys(IReadOnlyDictionary<string, YKeyChange> keys) => JsJson.Stringify(keys
        .OrderBy(k => k.Key, StringComparer.Ordinal)
        .Select(k =>
        {
            var change = new JsObject { ["action"] = k.Value.Action.ToString().ToLowerInvariant() };
            if (k.Value.OldValue is not JsUndefined)
            {
                change.Set("oldValue", Value(k.Value.OldValue));
            }

            return (object?)new List<object?> { k.Key, change };
        })
        .ToList());

    private static object? Value(object? v) => v switch
    {
        AbstractType t => Value(t.ToJson()),
        JsObject o => Map(o),
        List<object?> l => l.Select(Value).ToList(),
        _ => v,
    };

    private static JsObject Map(JsObject o)
    {
        var r = new JsObject();
        foreach (var (k, v) in o)
        {
            r.Set(k, Value(v));
        }

        return r;
    }
}
