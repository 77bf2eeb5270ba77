using Collab.Yjs.Lib0;

namespace Collab.Yjs;

/// <summary>A shared map (yjs <c>Y.Map</c>). Values follow <see cref="JsValue"/>; nested types and sub-documents are allowed.</summary>
public class YMap : AbstractType
{
    private Dictionary<string, object?>? _prelim = new(StringComparer.Ordinal);

    /// <summary>Creates a standalone map; insert it into a document to use it.</summary>
    public YMap()
    {
    }

    internal override void Integrate(Doc doc, Item? item)
    {
        base.Integrate(doc, item);
        var prelim = _prelim;
        _prelim = null;
        if (prelim is { Count: > 0 })
        {
            foreach (var (k, v) in prelim)
            {
                Set(k, v);
            }
        }
    }

    internal override AbstractType CopyEmpty() => new YMap();

    internal override void WriteTypeRef(IUpdateEncoder encoder) => encoder.WriteTypeRef(1);

    internal override void CallObserver(Transaction transaction, ChangedKeys parentSubs)
    {
        if (IsObserved)
        {
            CallTypeObservers(transaction, new YEvent(this, transaction, parentSubs));
        }
    }

    /// <summary>Number of (non-deleted) entries.</summary>
    public int Size => _prelim?.Count ?? Map.Values.Count(i => !i.Deleted);

    /// <summary>Sets a key.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    public void Set(string key, object? value)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (Doc is null)
        {
            _prelim![key] = value;
            return;
        }

        Doc.TransactCore(tr => TypeOps.MapSet(tr, this, key, value), null, true);
    }

    /// <summary>Deletes a key.</summary>
    /// <param name="key">The key.</param>
    public void Delete(string key)
    {
        if (Doc is null)
        {
            _prelim!.Remove(key);
            return;
        }

        Doc.TransactCore(tr => TypeOps.MapDelete(tr, this, key), null, true);
    }

    /// <summary>Reads a key; undefined when absent.</summary>
    /// <param name="key">The key.</param>
    /// <returns>The value.</returns>
    public object? Get(string key)
    {
        if (_prelim is not null)
        {
            return _prelim.TryGetValue(key, out var p) ? p : JsUndefined.Value;
        }

        return TryGetMapValue(key, out var v) ? v : JsUndefined.Value;
    }

    /// <summary>Whether the key exists.</summary>
    /// <param name="key">The key.</param>
    /// <returns>True when present.</returns>
    public bool Has(string key) => _prelim?.ContainsKey(key) ?? (Map.TryGetValue(key, out var i) && !i.Deleted);

    /// <summary>Keys of non-deleted entries in the order they were first set on this replica.</summary>
    public IEnumerable<string> Keys => Map.Where(kv => !kv.Value.Deleted).Select(kv => kv.Key);

    /// <summary>Removes all entries.</summary>
    public void Clear()
    {
        if (Doc is null)
        {
            _prelim!.Clear();
            return;
        }

        Doc.TransactCore(
            tr =>
            {
                foreach (var key in Map.Keys.ToList())
                {
                    TypeOps.MapDelete(tr, this, key);
                }
            },
            null,
            true);
    }

    /// <inheritdoc />
    public override object? ToJson() => TypeOps.MapToJson(this);
}
