namespace Collab.Yjs;

/// <summary>
/// A unit of change on a <see cref="Doc"/>. Every edit and every applied update runs inside one. After it
/// ends it describes what happened: <see cref="Origin"/>, <see cref="Local"/>, inserted clock ranges
/// (<see cref="BeforeState"/> → <see cref="AfterState"/>), deleted ranges (<see cref="Deleted"/>) and the
/// changed types with their keys (<see cref="ChangedTypes"/>).
/// </summary>
public sealed class Transaction
{
    internal readonly DeleteSet DeleteSet = new();
    private static readonly List<ChangedKeys> NoChanges = [];
    private List<ChangedKeys>? _changedList;
    private Dictionary<AbstractType, ChangedKeys>? _changedIndex;
    internal bool NeedFormattingCleanup;
    private List<Item>? _mergeStructs;
    private Dictionary<AbstractType, List<YEvent>>? _changedParentTypes;
    private List<AbstractType>? _changedParentOrder;
    private HashSet<Doc>? _subdocsAdded;
    private HashSet<Doc>? _subdocsRemoved;
    private HashSet<Doc>? _subdocsLoaded;
    private ClockMap? _afterState;

    internal Transaction(Doc doc, object? origin, bool local)
    {
        Doc = doc;
        Origin = origin;
        Local = local;
        BeforeStateInternal = doc.Store.GetClockMap();
    }

    /// <summary>The document.</summary>
    public Doc Doc { get; }

    /// <summary>The caller-supplied origin (for applied updates: the origin passed to ApplyUpdate).</summary>
    public object? Origin { get; }

    /// <summary>False for transactions that applied a remote update; true for local edits.</summary>
    public bool Local { get; internal set; }

    internal ClockMap BeforeStateInternal { get; }

    /// <summary>State vector (client → clock) at the start of the transaction.</summary>
    public IReadOnlyDictionary<long, long> BeforeState => BeforeStateInternal;

    /// <summary>State vector at the end of the transaction (available from the observer phase on).</summary>
    public IReadOnlyDictionary<long, long> AfterState => AfterStateInternal;

    internal ClockMap AfterStateInternal
    {
        get => _afterState ??= new ClockMap(0);
        set => _afterState = value;
    }

    /// <summary>Ids deleted in this transaction: client → sorted, merged (clock, length) ranges.</summary>
    public IReadOnlyDictionary<long, IReadOnlyList<(long Clock, long Length)>> Deleted
    {
        get
        {
            var result = new Dictionary<long, IReadOnlyList<(long, long)>>();
            foreach (var (client, items) in DeleteSet.Clients)
            {
                result[client] = items.Select(i => (i.Clock, i.Length)).ToList();
            }

            return result;
        }
    }

    /// <summary>Types changed in this transaction with the changed map keys (null = the sequence changed).</summary>
    public IReadOnlyList<(AbstractType Type, IReadOnlyCollection<string?> Keys)> ChangedTypes
    {
        get
        {
            var result = new List<(AbstractType, IReadOnlyCollection<string?>)>();
            foreach (var c in ChangedList)
            {
                if (!c.Removed)
                {
                    result.Add((c.Type, c));
                }
            }

            return result;
        }
    }

    internal List<ChangedKeys> ChangedList => _changedList ?? NoChanges;

    internal List<Item> MergeStructs => _mergeStructs ??= [];

    internal List<Item>? MergeStructsOrNull => _mergeStructs;

    internal Dictionary<AbstractType, List<YEvent>> ChangedParentTypes => _changedParentTypes ??= new(ReferenceEqualityComparer.Instance);

    internal List<AbstractType> ChangedParentOrder => _changedParentOrder ??= [];

    internal IReadOnlyList<AbstractType> ChangedParentOrderOrEmpty => _changedParentOrder ?? (IReadOnlyList<AbstractType>)[];

    internal HashSet<Doc> SubdocsAdded => _subdocsAdded ??= new(ReferenceEqualityComparer.Instance);

    internal HashSet<Doc> SubdocsRemoved => _subdocsRemoved ??= new(ReferenceEqualityComparer.Instance);

    internal HashSet<Doc> SubdocsLoaded => _subdocsLoaded ??= new(ReferenceEqualityComparer.Instance);

    internal bool HasSubdocChanges => (_subdocsAdded?.Count ?? 0) > 0 || (_subdocsRemoved?.Count ?? 0) > 0 || (_subdocsLoaded?.Count ?? 0) > 0;

    /// <summary>Reusable sets for YATA conflict resolution (avoids allocations per integration).</summary>
    internal HashSet<Item> ConflictingScratch => Doc.ConflictingScratch;

    internal HashSet<Item> BeforeOriginScratch => Doc.BeforeOriginScratch;

    internal long BeforeStateOf(long client) => BeforeStateInternal.Get(client);

    internal void AddChangedType(AbstractType type, string? parentSub)
    {
        var item = type.Item;
        if (item is null || (item.Clock < BeforeStateOf(item.Client) && !item.Deleted))
        {
            var entry = FindChanged(type);
            if (entry is null || entry.Removed)
            {
                entry = new ChangedKeys(type);
                (_changedList ??= []).Add(entry);
                if (_changedIndex is not null)
                {
                    _changedIndex[type] = entry;
                }
                else if (ChangedList.Count > 8)
                {
                    _changedIndex = new(ReferenceEqualityComparer.Instance);
                    foreach (var c in ChangedList)
                    {
                        if (!c.Removed)
                        {
                            _changedIndex[c.Type] = c;
                        }
                    }
                }
            }

            entry.Add(parentSub);
        }
    }

    internal ChangedKeys? FindChanged(AbstractType type)
    {
        if (_changedIndex is not null)
        {
            return _changedIndex.TryGetValue(type, out var e) ? e : null;
        }

        for (var i = ChangedList.Count - 1; i >= 0; i--)
        {
            if (ReferenceEquals(ChangedList[i].Type, type))
            {
                return ChangedList[i];
            }
        }

        return null;
    }

    internal void RemoveChanged(AbstractType type)
    {
        var e = FindChanged(type);
        if (e is not null)
        {
            e.Removed = true;
            _changedIndex?.Remove(type);
        }
    }

    internal bool HasChanges()
    {
        if (!DeleteSet.IsEmpty)
        {
            return true;
        }

        var after = AfterStateInternal;
        for (var i = 0; i < after.Count; i++)
        {
            if (!BeforeStateInternal.TryGetValue(after.KeyAt(i), out var before) || before != after.ValueAt(i))
            {
                return true;
            }
        }

        return false;
    }
}
