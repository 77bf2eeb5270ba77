using Collab.Yjs.Lib0;

namespace Collab.Yjs;

/// <summary>Writes document state (structs from a state vector, delete sets, state vectors).</summary>
internal static class UpdateWriter
{
    public static void WriteStructs(IUpdateEncoder encoder, StructList structs, long client, long clock)
    {
        clock = Math.Max(clock, structs[0].Clock);
        var start = StructStore.FindIndex(structs, clock);
        var rest = encoder.RestEncoder;
        rest.WriteVarUInt((ulong)(structs.Count - start));
        encoder.WriteClient(client);
        rest.WriteVarUInt((ulong)clock);
        var first = structs[start];
        first.Write(encoder, (int)(clock - first.Clock));
        for (var i = start + 1; i < structs.Count; i++)
        {
            structs[i].Write(encoder, 0);
        }
    }

    public static void WriteClientsStructs(IUpdateEncoder encoder, StructStore store, IReadOnlyDictionary<long, long> targetSv)
    {
        if (store.Clients.Count == 1 && targetSv.Count <= 1)
        {
            foreach (var (onlyClient, structs) in store.Clients)
            {
                var from = targetSv.TryGetValue(onlyClient, out var c) ? c : 0;
                var foreignTarget = targetSv.Count == 1 && !targetSv.ContainsKey(onlyClient);
                if (!foreignTarget)
                {
                    if (store.GetState(onlyClient) > from)
                    {
                        encoder.RestEncoder.WriteVarUInt(1);
                        WriteStructs(encoder, structs, onlyClient, from);
                    }
                    else
                    {
                        encoder.RestEncoder.WriteVarUInt(0);
                    }

                    return;
                }
            }
        }

        var sm = new List<(long Client, long Clock)>();
        foreach (var (client, clock) in targetSv)
        {
            if (store.GetState(client) > clock)
            {
                sm.Add((client, clock));
            }
        }

        foreach (var client in store.Clients.Keys)
        {
            if (!targetSv.ContainsKey(client))
            {
                sm.Add((client, 0));
            }
        }

        encoder.RestEncoder.WriteVarUInt((ulong)sm.Count);
        sm.Sort(static (a, b) => b.Client.CompareTo(a.Client));
        foreach (var (client, clock) in sm)
        {
            WriteStructs(encoder, store.Clients[client], client, clock);
        }
    }

    public static void WriteTransactionUpdate(IUpdateEncoder encoder, Transaction transaction)
    {
        transaction.DeleteSet.SortAndMerge();
        WriteChangedStructs(encoder, transaction.Doc.Store, transaction.ChangedBefore);
        transaction.DeleteSet.Write(encoder);
    }

    /// <summary>
    /// <see cref="WriteClientsStructs"/> for a transaction: the structs of the clients it changed from their clock
    /// before, in the same order (clients descending), without walking the document's other clients.
    /// </summary>
    private static void WriteChangedStructs(IUpdateEncoder encoder, StructStore store, ClockMap changedBefore)
    {
        var count = changedBefore.Count;
        encoder.RestEncoder.WriteVarUInt((ulong)count);
        if (count == 1)
        {
            var client = changedBefore.KeyAt(0);
            WriteStructs(encoder, store.Clients[client], client, changedBefore.ValueAt(0));
            return;
        }

        var clients = new (long Client, long Clock)[count];
        for (var i = 0; i < count; i++)
        {
            clients[i] = (changedBefore.KeyAt(i), changedBefore.ValueAt(i));
        }

        Array.Sort(clients, static (a, b) => b.Client.CompareTo(a.Client));
        foreach (var (client, clock) in clients)
        {
            WriteStructs(encoder, store.Clients[client], client, clock);
        }
    }

    public static void WriteStateAsUpdate(IUpdateEncoder encoder, Doc doc, IReadOnlyDictionary<long, long> targetSv)
    {
        WriteClientsStructs(encoder, doc.Store, targetSv);
        DeleteSet.FromStore(doc.Store).Write(encoder);
    }

    public static byte[] EncodeStateVector(IReadOnlyDictionary<long, long> sv)
    {
        var e = new Lib0Encoder(16 + (sv.Count * 8));
        WriteStateVector(e, sv);
        return e.ToArray();
    }

    public static void WriteStateVector(Lib0Encoder e, IReadOnlyDictionary<long, long> sv)
    {
        e.WriteVarUInt((ulong)sv.Count);
        var entries = sv.ToList();
        entries.Sort(static (a, b) => b.Key.CompareTo(a.Key));
        foreach (var (client, clock) in entries)
        {
            e.WriteVarUInt((ulong)client);
            e.WriteVarUInt((ulong)clock);
        }
    }

    public static Dictionary<long, long> DecodeStateVector(ReadOnlySpan<byte> bytes)
    {
        var d = new Lib0Decoder(bytes.ToArray());
        var sv = new Dictionary<long, long>();
        var n = d.ReadLength();
        for (var i = 0; i < n; i++)
        {
            var client = (long)d.ReadVarUInt();
            sv[client] = (long)d.ReadVarUInt();
        }

        return sv;
    }
}
