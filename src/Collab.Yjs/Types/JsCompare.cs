using Collab.Yjs.Lib0;

namespace Collab.Yjs;

/// <summary>JavaScript equality flavours used by the text formatting code.</summary>
internal static class JsCompare
{
    /// <summary>JavaScript <c>===</c>: primitives by value (NaN never equal), objects by reference.</summary>
    public static bool StrictEquals(object? a, object? b)
    {
        if (JsValue.TryGetNumber(a, out var da))
        {
            return JsValue.TryGetNumber(b, out var db) && da == db;
        }

        return a switch
        {
            null => b is null,
            string sa => b is string sb && string.Equals(sa, sb, StringComparison.Ordinal),
            bool ba => b is bool bb && ba == bb,
            long la => b is long lb && la == lb,
            JsUndefined => b is JsUndefined,
            _ => ReferenceEquals(a, b),
        };
    }

    private static bool IsObject(object? v) => v is JsObject or System.Collections.IList or byte[];

    /// <summary>yjs <c>equalAttrs</c>: strict equality, or flat equality of two objects.</summary>
    public static bool EqualAttrs(object? a, object? b)
    {
        if (StrictEquals(a, b))
        {
            return true;
        }

        if (!IsObject(a) || !IsObject(b))
        {
            return false;
        }

        if (a is JsObject oa && b is JsObject ob)
        {
            if (oa.Count != ob.Count)
            {
                return false;
            }

            foreach (var (key, val) in oa)
            {
                var has = ob.TryGetValue(key, out var other);
                if (!(val is not JsUndefined || has) || !StrictEquals(has ? other : JsUndefined.Value, val))
                {
                    return false;
                }
            }

            return true;
        }

        if (a is System.Collections.IList la && b is System.Collections.IList lb)
        {
            if (la.Count != lb.Count)
            {
                return false;
            }

            for (var i = 0; i < la.Count; i++)
            {
                if (!StrictEquals(la[i], lb[i]))
                {
                    return false;
                }
            }

            return true;
        }

        return false;
    }
}

/// <summary>An insertion-ordered attribute map with JavaScript <c>Map</c> semantics.</summary>
internal sealed class AttrMap
{
    private List<KeyValuePair<string, object?>>? _entries;

    public int Count => _entries?.Count ?? 0;

    public IReadOnlyList<KeyValuePair<string, object?>> Entries => _entries ?? (IReadOnlyList<KeyValuePair<string, object?>>)[];

    public bool TryGetValue(string key, out object? value)
    {
        if (_entries is not null)
        {
            foreach (var e in _entries)
            {
                if (string.Equals(e.Key, key, StringComparison.Ordinal))
                {
                    value = e.Value;
                    return true;
                }
            }
        }

        value = null;
        return false;
    }

    /// <summary><c>map.get(key) ?? null</c>.</summary>
    public object? GetOrNull(string key) => TryGetValue(key, out var v) && v is not JsUndefined ? v : null;

    public void Set(string key, object? value)
    {
        _entries ??= [];
        for (var i = 0; i < _entries.Count; i++)
        {
            if (string.Equals(_entries[i].Key, key, StringComparison.Ordinal))
            {
                _entries[i] = new(key, value);
                return;
            }
        }

        _entries.Add(new(key, value));
    }

    public void Delete(string key)
    {
        if (_entries is null)
        {
            return;
        }

        for (var i = 0; i < _entries.Count; i++)
        {
            if (string.Equals(_entries[i].Key, key, StringComparison.Ordinal))
            {
                _entries.RemoveAt(i);
                return;
            }
        }
    }

    public AttrMap Copy()
    {
        var m = new AttrMap();
        if (_entries is { Count: > 0 })
        {
            m._entries = [.. _entries];
        }

        return m;
    }

    public JsObject ToJsObject()
    {
        var o = new JsObject();
        if (_entries is not null)
        {
            foreach (var (k, v) in _entries)
            {
                o.Set(k, v);
            }
        }

        return o;
    }
}
