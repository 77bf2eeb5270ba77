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
    internal readonly List<Item> MergeStructs = [];
    internal readonly Dictionary<AbstractType, HashSet<string?>> Changed = new(ReferenceEqualityComparer.Instance);
    internal readonly List<AbstractType> ChangedOrder = [];
    internal readonly Dictionary<AbstractType, List<YEvent>> ChangedParentTypes = new(ReferenceEqualityComparer.Instance);
    internal readonly List<AbstractType> ChangedParentOrder = [];
    internal readonly HashSet<Doc> SubdocsAdded = new(ReferenceEqualityComparer.Instance);
    internal readonly HashSet<Doc> SubdocsRemoved = new(ReferenceEqualityComparer.Instance);
    internal readonly HashSet<Doc> SubdocsLoaded = new(ReferenceEqualityComparer.Instance);
    internal bool NeedFormattingCleanup;
    private Dictionary<long, long> _afterState = [];

    internal Transaction(Doc doc, object? origin, bool local)
    {
        Doc = doc;
        Origin = origin;
        Local = local;
        BeforeStateInternal = doc.Store.GetStateVector();
    }

    /// <summary>The document.</summary>
    public Doc Doc { get; }

    /// <summary>The caller-supplied origin (for applied updates: the origin passed to ApplyUpdate).</summary>
    public object? Origin { get; }

    /// <summary>False for transactions that applied a remote update; true for local edits.</summary>
    public bool Local { get; internal set; }

    internal Dictionary<long, long> BeforeStateInternal { get; }

    /// <summary>State vector (client → clock) at the start of the transaction.</summary>
    public IReadOnlyDictionary<long, long> BeforeState => BeforeStateInternal;

    /// <summary>State vector at the end of the transaction (available from the observer phase on).</summary>
    public IReadOnlyDictionary<long, long> AfterState => _afterState;

    internal Dictionary<long, long> AfterStateInternal
    {
        get => _afterState;
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
            foreach (var t in ChangedOrder)
            {
                if (Changed.TryGetValue(t, out var keys))
                {
                    result.Add((t, keys));
                }
            }

            return result;
        }
    }

    /// <summary>Reusable sets for YATA conflict resolution (avoids allocations per integration).</summary>
    internal HashSet<Item> ConflictingScratch => Doc.ConflictingScratch;

    internal HashSet<Item> BeforeOriginScratch => Doc.BeforeOriginScratch;

    internal long BeforeStateOf(long client) => BeforeStateInternal.TryGetValue(client, out var c) ? c : 0;

    internal void AddChangedType(AbstractType type, string? parentSub)
    {
        var item = type.Item;
        if (item is null || (item.Clock < BeforeStateOf(item.Client) && !item.Deleted))
        {
            if (!Changed.TryGetValue(type, out var set))
            {
                set = [];
                Changed[type] = set;
                ChangedOrder.Add(type);
            }

            set.Add(parentSub);
        }
    }

    internal bool HasChanges()
    {
        if (!DeleteSet.IsEmpty)
        {
            return true;
        }

        foreach (var (client, clock) in _afterState)
        {
            if (!BeforeStateInternal.TryGetValue(client, out var before) || before != clock)
            {
                return true;
            }
        }

        return false;
    }
}
