using System.Collections;
using Collab.Yjs.Lib0;

namespace Collab.Yjs;

/// <summary>Sequence and key-map operations shared by the types (yjs <c>typeList*</c> / <c>typeMap*</c>).</summary>
internal static class TypeOps
{
    public static Item NewItem(Transaction tr, Item? left, Item? right, AbstractType parent, string? parentSub, AbstractContent content)
    {
        var doc = tr.Doc;
        var client = doc.ClientId;
        return Item.Create(client, doc.Store.GetState(client), left, left?.LastId, right, right?.Id, parent, parentSub, content);
    }

    public static AbstractContent ContentForValue(object? value) => value switch
    {
        byte[] b => new ContentBinary(b),
        Doc d => new ContentDoc(d),
        AbstractType t => new ContentType(t),
        _ => new ContentAny([JsValue.Normalize(value)]),
    };

    public static void InsertGenericsAfter(Transaction tr, AbstractType parent, Item? referenceItem, IList content)
    {
        var left = referenceItem;
        var right = referenceItem is null ? parent.Start : referenceItem.Right;
        List<object?>? json = null;
        void Pack()
        {
            if (json is { Count: > 0 })
            {
                left = NewItem(tr, left, right, parent, null, new ContentAny(json));
                left.Integrate(tr, 0);
                json = null;
            }
        }

        foreach (var c in content)
        {
            if (c is byte[] or Doc or AbstractType)
            {
                Pack();
                left = NewItem(tr, left, right, parent, null, ContentForValue(c));
                left.Integrate(tr, 0);
            }
            else
            {
                (json ??= []).Add(JsValue.Normalize(c));
            }
        }

        Pack();
    }

    public static void InsertGenerics(Transaction tr, AbstractType parent, int index, IList content)
    {
        if (index > parent.LengthInternal || index < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(index), "Length exceeded!");
        }

        if (index == 0)
        {
            if (parent.SearchMarkers is not null)
            {
                SearchMarker.UpdateChanges(parent.SearchMarkers, index, content.Count);
            }

            InsertGenericsAfter(tr, parent, null, content);
            return;
        }

        var startIndex = index;
        var marker = SearchMarker.Find(parent, index);
        var n = parent.Start;
        if (marker is not null)
        {
            n = marker.P;
            index -= marker.Index;
            if (index == 0)
            {
                n = n.Prev;
                index += n is not null && n.Countable && !n.Deleted ? n.Length : 0;
            }
        }

        for (; n is not null; n = n.Right)
        {
            if (!n.Deleted && n.Countable)
            {
                if (index <= n.Length)
                {
                    if (index < n.Length)
                    {
                        tr.Doc.Store.GetItemCleanStart(tr, new ID(n.Client, n.Clock + index));
                    }

                    break;
                }

                index -= n.Length;
            }
        }

        if (parent.SearchMarkers is not null)
        {
            SearchMarker.UpdateChanges(parent.SearchMarkers, startIndex, content.Count);
        }

        InsertGenericsAfter(tr, parent, n, content);
    }

    public static void PushGenerics(Transaction tr, AbstractType parent, IList content)
    {
        var n = parent.Start;
        var maxIndex = 0;
        if (parent.SearchMarkers is not null)
        {
            foreach (var m in parent.SearchMarkers)
            {
                if (m.Index > maxIndex)
                {
                    maxIndex = m.Index;
                    n = m.P;
                }
            }
        }

        if (n is not null)
        {
            while (n.Right is not null)
            {
                n = n.Right;
            }
        }

        InsertGenericsAfter(tr, parent, n, content);
    }

    public static void Delete(Transaction tr, AbstractType parent, int index, int length)
    {
        if (length == 0)
        {
            return;
        }

        var startIndex = index;
        var startLength = length;
        var marker = SearchMarker.Find(parent, index);
        var n = parent.Start;
        if (marker is not null)
        {
            n = marker.P;
            index -= marker.Index;
        }

        var store = tr.Doc.Store;
        for (; n is not null && index > 0; n = n.Right)
        {
            if (!n.Deleted && n.Countable)
            {
                if (index < n.Length)
                {
                    store.GetItemCleanStart(tr, new ID(n.Client, n.Clock + index));
                }

                index -= n.Length;
            }
        }

        while (length > 0 && n is not null)
        {
            if (!n.Deleted)
            {
                if (length < n.Length)
                {
                    store.GetItemCleanStart(tr, new ID(n.Client, n.Clock + length));
                }

                n.Delete(tr);
                length -= n.Length;
            }

            n = n.Right;
        }

        if (length > 0)
        {
            throw new ArgumentOutOfRangeException(nameof(length), "Length exceeded!");
        }

        if (parent.SearchMarkers is not null)
        {
            SearchMarker.UpdateChanges(parent.SearchMarkers, startIndex, -startLength + length);
        }
    }

    public static object? Get(AbstractType type, int index)
    {
        var marker = SearchMarker.Find(type, index);
        var n = type.Start;
        if (marker is not null)
        {
            n = marker.P;
            index -= marker.Index;
        }

        for (; n is not null; n = n.Right)
        {
            if (!n.Deleted && n.Countable)
            {
                if (index < n.Length)
                {
                    return n.Content.GetValue(index);
                }

                index -= n.Length;
            }
        }

        return JsUndefined.Value;
    }

    public static List<object?> ToArray(AbstractType type)
    {
        var result = new List<object?>();
        for (var n = type.Start; n is not null; n = n.Right)
        {
            if (n.Countable && !n.Deleted)
            {
                n.Content.AppendValues(result);
            }
        }

        return result;
    }

    public static void MapSet(Transaction tr, AbstractType parent, string key, object? value)
    {
        parent.Map.TryGetValue(key, out var left);
        NewItem(tr, left, null, parent, key, ContentForValue(value)).Integrate(tr, 0);
    }

    public static void MapDelete(Transaction tr, AbstractType parent, string key)
    {
        if (parent.Map.TryGetValue(key, out var c))
        {
            c.Delete(tr);
        }
    }

    public static JsObject MapToJson(AbstractType type)
    {
        System.Runtime.CompilerServices.RuntimeHelpers.EnsureSufficientExecutionStack();
        var o = new JsObject();
        foreach (var (key, item) in type.Map)
        {
            if (!item.Deleted)
            {
                o.Set(key, ValueToJson(item.Content.GetValue(item.Length - 1)));
            }
        }

        return o;
    }

    public static object? ValueToJson(object? v)
    {
        if (v is AbstractType t)
        {
            // Deeply nested types (e.g. from a hostile update) must fail with an exception, not a stack overflow.
            System.Runtime.CompilerServices.RuntimeHelpers.EnsureSufficientExecutionStack();
            return t.ToJson();
        }

        return v;
    }
}
