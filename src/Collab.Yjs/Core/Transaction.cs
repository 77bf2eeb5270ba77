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

    // The clients whose structs grew since this transaction began, with their clock before (0: a new client). Every
    // addition is noted until the cleanup ends, also those of transactions nested in its observers (like yjs, whose
    // update of this transaction covers them). Nothing is walked per client of the document.
    private ClockMap? _changedBefore;

    // Taken when the cleanup begins (yjs's afterState): the clients changed by then, with their clock.
    private ClockMap? _changedAfter;

    // The public full state vectors, built when first read.
    private ClockMap? _beforeState;
    private ClockMap? _afterState;
    private bool _finished;
    private long _finishedVersion;

    internal Transaction(Doc doc, object? origin, bool local)
    {
        Doc = doc;
        Origin = origin;
        Local = local;
    }

    /// <summary>The document.</summary>
    public Doc Doc { get; }

    /// <summary>The caller-supplied origin (for applied updates: the origin passed to ApplyUpdate).</summary>
    public object? Origin { get; }

    /// <summary>False for transactions that applied a remote update; true for local edits.</summary>
    public bool Local { get; internal set; }

    /// <summary>
    /// State vector (client → clock) at the start of the transaction. Built from the document when first read: read it
    /// during the transaction or its events (as in yjs); once the document changed after the transaction ended it can no
    /// longer be built and throws <see cref="InvalidOperationException"/>.
    /// </summary>
    public IReadOnlyDictionary<long, long> BeforeState => _beforeState ??= BuildState(after: false);

    /// <summary>
    /// State vector at the end of the transaction (available from the observer phase on; empty before). Like
    /// <see cref="BeforeState"/>, read it during the transaction's events.
    /// </summary>
    public IReadOnlyDictionary<long, long> AfterState => _changedAfter is null ? EmptyState : _afterState ??= BuildState(after: true);

    private static readonly ClockMap EmptyState = new(0);

    /// <summary>The clients changed by the time the cleanup began (client → clock then); their clock before is <see cref="BeforeStateOf"/>.</summary>
    internal ClockMap ChangedAfter => _changedAfter ?? EmptyState;

    /// <summary>Every client changed since the transaction began (client → clock before), nested changes included.</summary>
    internal ClockMap ChangedBefore => _changedBefore ?? EmptyState;

    /// <summary>Called by the store for every struct added while this transaction's cleanup has not ended.</summary>
    internal void NoteStructAdded(long client, long before)
    {
        if (_finished)
        {
            return;
        }

        var changed = _changedBefore ??= new ClockMap(1);
        if (!changed.ContainsKey(client))
        {
            changed.Add(client, before);
        }
    }

    /// <summary>The cleanup begins: the state of every client changed so far (yjs's afterState, without walking the others).</summary>
    internal void CaptureAfterState()
    {
        var store = Doc.Store;
        var after = new ClockMap(_changedBefore?.Count ?? 0);
        for (var i = 0; i < (_changedBefore?.Count ?? 0); i++)
        {
            var client = _changedBefore!.KeyAt(i);
            after.Add(client, store.GetState(client));
        }

        _changedAfter = after;
    }

    /// <summary>The cleanup ended: no more changes are noted.</summary>
    internal void Finish()
    {
        _finished = true;
        _finishedVersion = Doc.Store.Version;
    }

    private ClockMap BuildState(bool after)
    {
        var store = Doc.Store;
        if (_finished && store.Version != _finishedVersion)
        {
            throw new InvalidOperationException(
                "The state vectors of a transaction are built from the document when first read; read them during the transaction or its events, before the document changes again.");
        }

        var map = new ClockMap(store.Clients.Count);
        foreach (var (client, structs) in store.Clients)
        {
            long clock;
            if (after && _changedAfter!.TryGetValue(client, out var a))
            {
                clock = a;
            }
            else if (_changedBefore is not null && _changedBefore.TryGetValue(client, out var b))
            {
                // changed in the transaction (before) or after the cleanup began (after): its clock before that
                clock = b;
            }
            else
            {
                clock = structs.EndClock;
            }

            if (clock > 0)
            {
                map.Add(client, clock);
            }
        }

        return map;
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

    /// <summary>The client's clock when the transaction began (0: unknown then).</summary>
    internal long BeforeStateOf(long client)
    {
        if (_changedBefore is not null && _changedBefore.TryGetValue(client, out var before))
        {
            return before;
        }

        if (_beforeState is null && (!_finished || Doc.Store.Version == _finishedVersion))
        {
            // not changed since the transaction began: its clock now is its clock then
            return Doc.Store.GetState(client);
        }

        // built before, or the document changed since the transaction ended (then this throws)
        return ((ClockMap)BeforeState).Get(client);
    }

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

        // a client in ChangedAfter gained structs: its clock differs from the one before
        return ChangedAfter.Count > 0;
    }
}
