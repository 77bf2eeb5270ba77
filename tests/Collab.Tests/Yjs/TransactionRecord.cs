using System.Globalization;
using Collab.Yjs;
using Collab.Yjs.Lib0;

namespace Collab.Tests.Yjs;

/// <summary>Describes a transaction in the vectors' format and normalises for order-insensitive comparison.</summary>
internal static class TransactionRecord
{
    private static string S(long v) => v.ToString(CultureInfo.InvariantCulture);

    public static JsObject Describe(Transaction t)
    {
        var inserted = new JsObject();
        foreach (var (client, after) in t.AfterState)
        {
            var before = t.BeforeState.TryGetValue(client, out var b) ? b : 0;
            if (before != after)
            {
                inserted.Set(S(client), new List<object?> { (double)before, (double)after });
            }
        }

        var deleted = new JsObject();
        foreach (var (client, ranges) in t.Deleted)
        {
            deleted.Set(S(client), ranges.Select(r => (object?)new List<object?> { (double)r.Clock, (double)r.Length }).ToList());
        }

        var changed = new List<object?>();
        foreach (var (type, keys) in t.ChangedTypes)
        {
            JsObject typeId = type.ItemId is { } id
                ? new JsObject { ["item"] = new List<object?> { (double)id.Client, (double)id.Clock } }
                : new JsObject { ["root"] = type.Name };
            changed.Add(new JsObject { ["type"] = typeId, ["keys"] = keys.Select(k => (object?)k).ToList() });
        }

        return new JsObject
        {
            ["local"] = t.Local,
            ["origin"] = t.Origin,
            ["inserted"] = inserted,
            ["deleted"] = deleted,
            ["changed"] = changed,
        };
    }

    public static List<object?> Normalize(List<object?> txs) => txs.Select(t =>
    {
        var o = (JsObject)t!;
        var n = new JsObject();
        foreach (var (k, v) in o)
        {
            n.Set(k, v);
        }

        var changed = ((List<object?>)o.Get("changed")!).Select(c =>
        {
            var co = (JsObject)c!;
            var keys = ((List<object?>)co.Get("keys")!).Select(k => k as string ?? "\u0000null").OrderBy(k => k, StringComparer.Ordinal).Select(k => (object?)k).ToList();
            return (object?)new JsObject { ["type"] = co.Get("type"), ["keys"] = keys };
        }).OrderBy(c => JsJson.Stringify(c), StringComparer.Ordinal).ToList();
        n.Set("changed", changed);
        return (object?)n;
    }).ToList();
}
