namespace Collab.Yjs;

/// <summary>A clock range [Clock, Clock + Length).</summary>
internal readonly record struct DeleteItem(long Clock, long Length);

/// <summary>A set of deleted ids as per-client clock ranges (yjs <c>DeleteSet</c>).</summary>
internal sealed class DeleteSet
{
    private static readonly Dictionary<long, List<DeleteItem>> NoClients = [];
    private Dictionary<long, List<DeleteItem>>? _clients;

    /// <summary>The ranges per client (allocated on first write; reads of an empty set share one empty instance).</summary>
    public Dictionary<long, List<DeleteItem>> Clients => _clients ?? NoClients;

    private Dictionary<long, List<DeleteItem>> WritableClients => _clients ??= [];

    public void Add(long client, long clock, long length)
    {
        var clients = WritableClients;
        if (!clients.TryGetValue(client, out var list))
        {
            list = [];
            clients[client] = list;
        }

        list.Add(new DeleteItem(clock, length));
    }

    public bool IsEmpty => _clients is null || _clients.Count == 0;

    public static int? FindIndex(List<DeleteItem> dis, long clock)
    {
        var left = 0;
        var right = dis.Count - 1;
        while (left <= right)
        {
            var mid = (left + right) / 2;
            var m = dis[mid];
            if (m.Clock <= clock)
            {
                if (clock < m.Clock + m.Length)
                {
                    return mid;
                }

                left = mid + 1;
            }
            else
            {
                right = mid - 1;
            }
        }

        return null;
    }

    public bool IsDeleted(ID id) => Clients.TryGetValue(id.Client, out var dis) && FindIndex(dis, id.Clock) is not null;

    public void SortAndMerge()
    {
        if (_clients is null)
        {
            return;
        }

        foreach (var dels in _clients.Values)
        {
            SortAndMerge(dels);
        }
    }

    public static void SortAndMerge(List<DeleteItem> dels)
    {
        if (dels.Count > 1)
        {
            dels.Sort(static (a, b) => a.Clock.CompareTo(b.Clock));
        }

        int i, j;
        for (i = 1, j = 1; i < dels.Count; i++)
        {
            var left = dels[j - 1];
            var right = dels[i];
            if (left.Clock + left.Length >= right.Clock)
            {
                dels[j - 1] = new DeleteItem(left.Clock, Math.Max(left.Length, right.Clock + right.Length - left.Clock));
            }
            else
            {
                if (j < i)
                {
                    dels[j] = right;
                }

                j++;
            }
        }

        if (j < dels.Count)
        {
            dels.RemoveRange(j, dels.Count - j);
        }
    }

    public static DeleteSet FromStore(StructStore store)
    {
        var ds = new DeleteSet();
        foreach (var (client, structs) in store.Clients)
        {
            List<DeleteItem>? items = null;
            for (var i = 0; i < structs.Count; i++)
            {
                var s = structs[i];
                if (s.Deleted)
                {
                    var clock = s.Clock;
                    long len = s.Length;
                    while (i + 1 < structs.Count && structs[i + 1].Deleted)
                    {
                        len += structs[++i].Length;
                    }

                    (items ??= []).Add(new DeleteItem(clock, len));
                }
            }

            if (items is not null)
            {
                ds.WritableClients[client] = items;
            }
        }

        return ds;
    }

    public void Write(IUpdateEncoder encoder)
    {
        var rest = encoder.RestEncoder;
        rest.WriteVarUInt((ulong)Clients.Count);
        foreach (var client in SortedClientsDescending(Clients.Keys))
        {
            var items = Clients[client];
            encoder.ResetDsCurVal();
            rest.WriteVarUInt((ulong)client);
            rest.WriteVarUInt((ulong)items.Count);
            foreach (var item in items)
            {
                encoder.WriteDsClock(item.Clock);
                encoder.WriteDsLen(item.Length);
            }
        }
    }

    public static long[] SortedClientsDescending(Dictionary<long, List<DeleteItem>>.KeyCollection clients)
    {
        if (clients.Count == 0)
        {
            return [];
        }

        var arr = clients.ToArray();
        Array.Sort(arr);
        Array.Reverse(arr);
        return arr;
    }

    /// <summary>Reads a delete set, validating ranges (for storage or later application).</summary>
    public static DeleteSet Read(IUpdateDecoder decoder)
    {
        var ds = new DeleteSet();
        ReadInto(decoder, ds);
        return ds;
    }

    /// <summary>Reads a delete set and appends its ranges to <paramref name="ds"/> (clients in first-seen order).</summary>
    public static void ReadInto(IUpdateDecoder decoder, DeleteSet ds)
    {
        var rest = decoder.RestDecoder;
        var numClients = rest.ReadLength();
        for (var i = 0; i < numClients; i++)
        {
            decoder.ResetDsCurVal();
            var client = (long)rest.ReadVarUInt();
            var numberOfDeletes = rest.ReadLength();
            if (numberOfDeletes > 0)
            {
                if (!ds.WritableClients.TryGetValue(client, out var list))
                {
                    list = new List<DeleteItem>(numberOfDeletes);
                    ds.WritableClients[client] = list;
                }

                for (var k = 0; k < numberOfDeletes; k++)
                {
                    var clock = decoder.ReadDsClock();
                    var len = decoder.ReadDsLen();
                    if (clock + len > (long)Lib0.JsNumber.MaxSafeInteger)
                    {
                        throw new Lib0.YjsDecodingException("Delete range out of range.");
                    }

                    list.Add(new DeleteItem(clock, len));
                }
            }
        }
    }
}
