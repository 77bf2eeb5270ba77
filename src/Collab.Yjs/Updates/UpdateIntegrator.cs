using Collab.Yjs.Lib0;

namespace Collab.Yjs;

/// <summary>Applies decoded updates to a document (yjs <c>readUpdateV2</c> / <c>integrateStructs</c>).</summary>
internal static class UpdateIntegrator
{
    public static void Apply(Doc doc, byte[] update, bool v2, object? origin)
    {
        var parsed = Decode(update, v2);
        doc.TransactCore(tr => ApplyParsed(tr, parsed), origin, false);
    }

    public static (Dictionary<long, ClientStructRefs> Refs, List<(long Client, long Clock, long Length)> Ds) Decode(byte[] update, bool v2)
    {
        try
        {
            var lib0 = new Lib0Decoder(update);
            IUpdateDecoder decoder = v2 ? new UpdateDecoderV2(lib0) : new UpdateDecoderV1(lib0);
            var refs = StructReader.ReadClientsStructRefs(decoder, update.Length);
            var ds = ReadDeleteSetOrdered(decoder);
            return (refs, ds);
        }
        catch (YjsDecodingException)
        {
            throw;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or OverflowException or IndexOutOfRangeException or FormatException)
        {
            throw new YjsDecodingException("Malformed update.", e);
        }
    }

    private static List<(long, long, long)> ReadDeleteSetOrdered(IUpdateDecoder decoder)
    {
        var list = new List<(long, long, long)>();
        var rest = decoder.RestDecoder;
        var numClients = rest.ReadLength();
        for (var i = 0; i < numClients; i++)
        {
            decoder.ResetDsCurVal();
            var client = (long)rest.ReadVarUInt();
            var n = rest.ReadLength();
            for (var k = 0; k < n; k++)
            {
                var clock = decoder.ReadDsClock();
                var len = decoder.ReadDsLen();
                if (clock + len > (long)JsNumber.MaxSafeInteger || clock < 0 || len < 0)
                {
                    throw new YjsDecodingException("Delete range out of range.");
                }

                list.Add((client, clock, len));
            }
        }

        return list;
    }

    private static void ApplyParsed(Transaction transaction, (Dictionary<long, ClientStructRefs> Refs, List<(long Client, long Clock, long Length)> Ds) parsed)
    {
        transaction.Local = false;
        var doc = transaction.Doc;
        var store = doc.Store;
        foreach (var refs in parsed.Refs.Values)
        {
            foreach (var s in refs.Refs)
            {
                if (s is Item { ParentRef: string name } item)
                {
                    item.Parent = doc.GetOrCreatePlaceholder(name);
                    item.ParentRef = null;
                }
            }
        }

        var retry = false;
        var restStructs = IntegrateStructs(transaction, store, parsed.Refs);
        var pending = store.Pending;
        if (pending is not null)
        {
            foreach (var (client, clock) in pending.Missing)
            {
                if (clock < store.GetState(client))
                {
                    retry = true;
                    break;
                }
            }

            if (restStructs is not null && !doc.TryHoldPending(restStructs.Update.Length))
            {
                // over the document's pending limit: these structs are not kept (the sender is told by the caller)
            }
            else if (restStructs is not null)
            {
                foreach (var (client, clock) in restStructs.Missing)
                {
                    if (!pending.Missing.TryGetValue(client, out var m) || m > clock)
                    {
                        pending.Missing[client] = clock;
                    }
                }

                pending.Add(restStructs.Update);
            }
        }
        else if (restStructs is null || doc.TryHoldPending(restStructs.Update.Length))
        {
            store.Pending = restStructs;
        }

        var dsRest = DeleteSetApplier.Apply(transaction, store, parsed.Ds);
        if (dsRest is not null && !doc.TryHoldPending(dsRest.Length))
        {
            dsRest = null;
        }

        if (store.PendingDs is not null)
        {
            var pendingDecoder = new UpdateDecoderV2(new Lib0Decoder(store.PendingDs));
            pendingDecoder.RestDecoder.ReadVarUInt();
            var dsRest2 = DeleteSetApplier.Apply(transaction, store, ReadDeleteSetOrdered(pendingDecoder));
            store.PendingDs = dsRest is not null && dsRest2 is not null ? YUpdates.MergeUpdatesV2([dsRest, dsRest2]) : dsRest ?? dsRest2;
        }
        else
        {
            store.PendingDs = dsRest;
        }

        if (retry)
        {
            var update = store.Pending!.Update;
            store.Pending = null;
            var again = Decode(update, true);
            doc.TransactCore(tr => ApplyParsed(tr, again), null, false);
        }
    }

    private static PendingStructs? IntegrateStructs(Transaction transaction, StructStore store, Dictionary<long, ClientStructRefs> clientsStructRefs)
    {
        var stack = new List<AbstractStruct>();
        var ids = clientsStructRefs.Keys.ToList();
        ids.Sort();
        if (ids.Count == 0)
        {
            return null;
        }

        ClientStructRefs? NextTarget()
        {
            while (ids.Count > 0)
            {
                var t = clientsStructRefs[ids[^1]];
                if (t.I < t.Refs.Count)
                {
                    return t;
                }

                ids.RemoveAt(ids.Count - 1);
            }

            return null;
        }

        var cur = NextTarget();
        if (cur is null)
        {
            return null;
        }

        Dictionary<long, List<AbstractStruct>>? restStructs = null;
        Dictionary<long, long>? missingSv = null;
        void UpdateMissingSv(long client, long clock)
        {
            missingSv ??= [];
            if (!missingSv.TryGetValue(client, out var m) || m > clock)
            {
                missingSv[client] = clock;
            }
        }

        var stackHead = cur.Refs[cur.I++];

        void AddStackToRest()
        {
            foreach (var item in stack)
            {
                var client = item.Client;
                if (clientsStructRefs.TryGetValue(client, out var inapplicable))
                {
                    inapplicable.I--;
                    (restStructs ??= [])[client] = inapplicable.Refs.GetRange(inapplicable.I, inapplicable.Refs.Count - inapplicable.I);
                    clientsStructRefs.Remove(client);
                    inapplicable.I = 0;
                    inapplicable.Refs = [];
                }
                else
                {
                    (restStructs ??= [])[client] = [item];
                }

                ids.RemoveAll(c => c == client);
            }

            stack.Clear();
        }

        while (true)
        {
            if (stackHead is not Skip)
            {
                var client = stackHead.Client;

                // yjs caches this per client; the store's state is the same value (integration appends).
                var localClock = store.GetState(client);

                var offset = localClock - stackHead.Clock;
                if (offset < 0)
                {
                    stack.Add(stackHead);
                    UpdateMissingSv(client, stackHead.Clock - 1);
                    AddStackToRest();
                }
                else
                {
                    var missing = stackHead is Item it ? it.GetMissing(transaction, store) : null;
                    if (missing is { } m)
                    {
                        stack.Add(stackHead);
                        if (!clientsStructRefs.TryGetValue(m, out var structRefs) || structRefs.Refs.Count == structRefs.I)
                        {
                            UpdateMissingSv(m, store.GetState(m));
                            AddStackToRest();
                        }
                        else
                        {
                            stackHead = structRefs.Refs[structRefs.I++];
                            continue;
                        }
                    }
                    else if (offset == 0 || offset < stackHead.Length)
                    {
                        stackHead.Integrate(transaction, (int)offset);
                    }
                }
            }

            if (stack.Count > 0)
            {
                stackHead = stack[^1];
                stack.RemoveAt(stack.Count - 1);
            }
            else if (cur is not null && cur.I < cur.Refs.Count)
            {
                stackHead = cur.Refs[cur.I++];
            }
            else
            {
                cur = NextTarget();
                if (cur is null)
                {
                    break;
                }

                stackHead = cur.Refs[cur.I++];
            }
        }

        if (restStructs is null || restStructs.Count == 0)
        {
            return null;
        }

        var encoder = new UpdateEncoderV2();
        var entries = restStructs.ToList();
        encoder.RestEncoder.WriteVarUInt((ulong)entries.Count);
        entries.Sort(static (a, b) => b.Key.CompareTo(a.Key));
        foreach (var (client, structs) in entries)
        {
            var rest = encoder.RestEncoder;
            rest.WriteVarUInt((ulong)structs.Count);
            encoder.WriteClient(client);
            rest.WriteVarUInt((ulong)structs[0].Clock);
            foreach (var s in structs)
            {
                s.Write(encoder, 0);
            }
        }

        encoder.RestEncoder.WriteVarUInt(0);
        return new PendingStructs(missingSv ?? [], encoder.ToArray());
    }
}
