namespace Collab.Yjs;

/// <summary>
/// Base of all shared types. Used directly only as the untyped placeholder of a root that an update
/// referenced before the application requested it with a typed getter.
/// </summary>
public class AbstractType
{
    internal Item? Item;
    internal Dictionary<string, Item> Map = new(StringComparer.Ordinal);
    internal Item? Start;
    internal int LengthInternal;
    internal List<SearchMarker>? SearchMarkers;
    internal bool HasFormatting;
    internal string? RootName;
    private List<Action<YEvent, Transaction>>? _observers;
    private List<Action<IReadOnlyList<YEvent>, Transaction>>? _deepObservers;

    internal AbstractType()
    {
    }

    /// <summary>The document this type belongs to (null before it is integrated).</summary>
    public Doc? Doc { get; private set; }

    /// <summary>The parent type, or null for a root.</summary>
    public AbstractType? Parent => Item?.Parent;

    /// <summary>The id of the item that holds this type, or null for a root.</summary>
    public ID? ItemId => Item?.Id;

    /// <summary>The root name if this is a root type.</summary>
    public string? Name => Item is null ? RootName : null;

    internal bool HasDeepObservers => _deepObservers is { Count: > 0 };

    /// <summary>The first non-deleted item of the sequence.</summary>
    internal Item? First
    {
        get
        {
            var n = Start;
            while (n is not null && n.Deleted)
            {
                n = n.Right;
            }

            return n;
        }
    }

    /// <summary>Registers a listener for changes of this type.</summary>
    /// <param name="handler">Called with the event and the transaction.</param>
    public void Observe(Action<YEvent, Transaction> handler) => (_observers ??= []).Add(handler);

    /// <summary>Removes a listener added with <see cref="Observe"/>.</summary>
    /// <param name="handler">The listener.</param>
    public void Unobserve(Action<YEvent, Transaction> handler) => _observers?.Remove(handler);

    /// <summary>Registers a listener for changes of this type and all nested types.</summary>
    /// <param name="handler">Called with the events (sorted by path length) and the transaction.</param>
    public void ObserveDeep(Action<IReadOnlyList<YEvent>, Transaction> handler) => (_deepObservers ??= []).Add(handler);

    /// <summary>Removes a listener added with <see cref="ObserveDeep"/>.</summary>
    /// <param name="handler">The listener.</param>
    public void UnobserveDeep(Action<IReadOnlyList<YEvent>, Transaction> handler) => _deepObservers?.Remove(handler);

    /// <summary>The JavaScript <c>toJSON()</c> value of this type (undefined for an untyped placeholder).</summary>
    /// <returns>A JavaScript value (see <see cref="Lib0.JsValue"/>).</returns>
    /// <exception cref="InsufficientExecutionStackException">The types are nested too deeply to render recursively.</exception>
    public virtual object? ToJson() => Lib0.JsUndefined.Value;

    internal virtual void Integrate(Doc doc, Item? item)
    {
        Doc = doc;
        Item = item;
    }

    internal virtual AbstractType CopyEmpty() => new();

    internal virtual void WriteTypeRef(IUpdateEncoder encoder) => throw new InvalidOperationException("Untyped placeholders cannot be written as content.");

    internal virtual void CallObserver(Transaction transaction, ChangedKeys parentSubs)
    {
        if (!transaction.Local && SearchMarkers is not null)
        {
            SearchMarkers.Clear();
        }
    }

    /// <summary>Whether an event for this type would be observed (own observers or deep observers on it or an ancestor).</summary>
    internal bool IsObserved
    {
        get
        {
            if (_observers is { Count: > 0 })
            {
                return true;
            }

            for (AbstractType? t = this; t is not null; t = t.Item?.Parent)
            {
                if (t._deepObservers is { Count: > 0 })
                {
                    return true;
                }
            }

            return false;
        }
    }

    internal void CallTypeObservers(Transaction transaction, YEvent e)
    {
        var type = this;
        while (true)
        {
            if (!transaction.ChangedParentTypes.TryGetValue(type, out var list))
            {
                list = [];
                transaction.ChangedParentTypes[type] = list;
                transaction.ChangedParentOrder.Add(type);
            }

            list.Add(e);
            if (type.Item is null)
            {
                break;
            }

            type = type.Item.Parent!;
        }

        if (_observers is { Count: > 0 })
        {
            CallAll(_observers.ToArray(), h => h(e, transaction));
        }
    }

    internal void CallDeepObservers(IReadOnlyList<YEvent> events, Transaction transaction)
    {
        if (_deepObservers is null)
        {
            return;
        }

        CallAll(_deepObservers.ToArray(), h => h(events, transaction));
    }

    /// <summary>Calls every listener even if one throws (like lib0 <c>callAll</c>), then rethrows the first exception.</summary>
    private static void CallAll<T>(T[] handlers, Action<T> call)
    {
        System.Runtime.ExceptionServices.ExceptionDispatchInfo? first = null;
        foreach (var h in handlers)
        {
            try
            {
                call(h);
            }
            catch (Exception ex)
            {
                first ??= System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex);
            }
        }

        first?.Throw();
    }

    internal Doc RequireDoc() => Doc ?? throw new InvalidOperationException("Add the type to a document before editing or reading it.");

    /// <summary>The value of a map entry the yjs way: last element of the current item's content if not deleted.</summary>
    internal bool TryGetMapValue(string key, out object? value)
    {
        if (Map.TryGetValue(key, out var item) && !item.Deleted)
        {
            value = item.Content.GetValue(item.Length - 1);
            return true;
        }

        value = null;
        return false;
    }
}
