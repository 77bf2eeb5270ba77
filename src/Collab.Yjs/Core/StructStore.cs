namespace Collab.Yjs;

/// <summary>Per-client arrays of structs sorted by clock, plus pending (not yet applicable) update data.</summary>
internal sealed class StructStore
{
    public readonly Dictionary<long, StructList> Clients = [];

    /// <summary>Pending structs (v2 update bytes) and the clocks they wait for.</summary>
    public PendingStructs? Pending;

    /// <summary>Pending delete set (v2 update bytes with zero structs).</summary>
    public byte[]? PendingDs;

    public long GetState(long client)
    {
        if (!Clients.TryGetValue(client, out var structs))
        {
            return 0;
        }

        return structs.EndClock;
    }

    public Dictionary<long, long> GetStateVector()
    {
        var sv = new Dictionary<long, long>(Clients.Count);
        foreach (var (client, structs) in Clients)
        {
            sv[client] = structs.EndClock;
        }

        return sv;
    }

    /// <summary>Counts the structs ever added: a finished transaction's state vectors can be read while it is unchanged.</summary>
    public long Version { get; private set; }

    /// <summary>
    /// Adds a struct at the end of its client's list. Every transaction of the document that has not finished its
    /// cleanup notes the client's state before its first addition, so that a transaction knows the clients it
    /// changed without walking every client of the document (which grow with every session that ever wrote).
    /// </summary>
    public void AddStruct(Transaction transaction, AbstractStruct s)
    {
        long before;
        if (!Clients.TryGetValue(s.Client, out var structs))
        {
            structs = new StructList();
            Clients[s.Client] = structs;
            before = 0;
        }
        else
        {
            before = structs.EndClock;
            if (before != s.Clock)
            {
                throw new InvalidOperationException("Struct store integrity violated.");
            }
        }

        structs.Add(s);
        Version++;
        var open = transaction.Doc.TransactionCleanups;
        for (var i = 0; i < open.Count; i++)
        {
            open[i].NoteStructAdded(s.Client, before);
        }
    }

    public static int FindIndex(StructList structs, long clock)
    {
        var left = 0;
        var right = structs.Count - 1;
        var mid = structs[right];
        var midClock = mid.Clock;
        if (midClock == clock)
        {
            return right;
        }

        var midIndex = (int)(clock / (double)(midClock + mid.Length - 1) * right);
        if (midIndex < 0 || midIndex > right)
        {
            midIndex = (left + right) / 2;
        }

        while (left <= right)
        {
            mid = structs[midIndex];
            midClock = mid.Clock;
            if (midClock <= clock)
            {
                if (clock < midClock + mid.Length)
                {
                    return midIndex;
                }

                left = midIndex + 1;
            }
            else
            {
                right = midIndex - 1;
            }

            midIndex = (left + right) / 2;
        }

        throw new InvalidOperationException($"Clock {clock} not found in struct store.");
    }

    public AbstractStruct Find(ID id)
    {
        var structs = Clients[id.Client];
        return structs[FindIndex(structs, id.Clock)];
    }

    public static int FindIndexCleanStart(Transaction transaction, StructList structs, long clock)
    {
        var index = FindIndex(structs, clock);
        var s = structs[index];
        if (s.Clock < clock && s is Item item)
        {
            structs.Insert(index + 1, Item.Split(transaction, item, (int)(clock - s.Clock)));
            return index + 1;
        }

        return index;
    }

    public AbstractStruct GetItemCleanStart(Transaction transaction, ID id)
    {
        var structs = Clients[id.Client];
        return structs[FindIndexCleanStart(transaction, structs, id.Clock)];
    }

    public AbstractStruct GetItemCleanEnd(Transaction transaction, ID id)
    {
        var structs = Clients[id.Client];
        var index = FindIndex(structs, id.Clock);
        var s = structs[index];
        if (id.Clock != s.Clock + s.Length - 1 && s is Item item)
        {
            structs.Insert(index + 1, Item.Split(transaction, item, (int)(id.Clock - s.Clock + 1)));
        }

        return s;
    }

    public void ReplaceStruct(AbstractStruct s, AbstractStruct replacement)
    {
        var structs = Clients[s.Client];
        structs[FindIndex(structs, s.Clock)] = replacement;
    }

    /// <summary>yjs <c>iterateStructs</c>: visits the structs covering [clockStart, clockStart+len), splitting at the edges.</summary>
    public static void IterateStructs(Transaction transaction, StructList structs, long clockStart, long len, Action<AbstractStruct> f)
    {
        if (len == 0)
        {
            return;
        }

        var clockEnd = clockStart + len;
        var index = FindIndexCleanStart(transaction, structs, clockStart);
        AbstractStruct s;
        do
        {
            s = structs[index++];
            if (clockEnd < s.Clock + s.Length)
            {
                FindIndexCleanStart(transaction, structs, clockEnd);
            }

            f(s);
        }
        while (index < structs.Count && structs[index].Clock < clockEnd);
    }
}

/// <summary>
/// Pending structs of a struct store: the clocks they wait for, and their updates. Updates that add pending structs are
/// kept as they came and merged into one only when it is read (a retry, an encoding): adding one costs its own size, not
/// the size of everything pending (yjs merges on every add, which makes a stream of unresolvable updates quadratic).
/// </summary>
internal sealed class PendingStructs(Dictionary<long, long> missing, byte[] update)
{
    private byte[] _update = update;
    private List<byte[]>? _more;

    public Dictionary<long, long> Missing = missing;

    /// <summary>Bytes of the pending updates (before merging).</summary>
    public long Bytes { get; private set; } = update.Length;

    /// <summary>All pending structs as one v2 update.</summary>
    public byte[] Update
    {
        get
        {
            if (_more is { } more)
            {
                _update = YUpdates.MergeUpdatesV2([_update, .. more]);
                _more = null;
                Bytes = _update.Length;
            }

            return _update;
        }
    }

    /// <summary>Adds the pending structs of another update (v2).</summary>
    public void Add(byte[] update)
    {
        (_more ??= []).Add(update);
        Bytes += update.Length;
    }
}
