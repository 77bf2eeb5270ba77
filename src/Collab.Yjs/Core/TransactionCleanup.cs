using System.Runtime.ExceptionServices;

namespace Collab.Yjs;

/// <summary>The end-of-transaction work of yjs (<c>cleanupTransactions</c>): observers, GC, merging, update events.</summary>
internal static class TransactionCleanup
{
    /// <summary>
    /// Cleans up every queued transaction (including ones queued meanwhile). Like yjs, a throwing listener does not
    /// stop the remaining work; the first exception is rethrown at the end.
    /// </summary>
    public static void Run(List<Transaction> cleanups)
    {
        ExceptionDispatchInfo? first = null;
        for (var i = 0; i < cleanups.Count; i++)
        {
            try
            {
                CleanupOne(cleanups[i]);
            }
            catch (Exception e)
            {
                first ??= ExceptionDispatchInfo.Capture(e);
            }
            finally
            {
                cleanups[i].Finish();
            }
        }

        cleanups.Clear();
        first?.Throw();
    }

    private static void CleanupOne(Transaction transaction)
    {
        var doc = transaction.Doc;
        var store = doc.Store;
        var ds = transaction.DeleteSet;
        try
        {
            ds.SortAndMerge();
            transaction.CaptureAfterState();
            CallObservers(transaction);
        }
        finally
        {
            if (doc.Gc)
            {
                TryGcDeleteSet(ds, store, doc.GcFilter);
            }

            TryMergeDeleteSet(ds, store);
            MergeNewStructs(transaction, store);
            MergeSplitStructs(transaction, store);
            if (!transaction.Local && transaction.ChangedAfter.ContainsKey(doc.ClientId))
            {
                doc.ClientId = Doc.GenerateClientId();
            }

            if (doc.HasUpdateHandlers && transaction.HasChanges())
            {
                var encoder = doc.UpdateEncoderCache;
                encoder.Reset();
                UpdateWriter.WriteTransactionUpdate(encoder, transaction);
                var bytes = encoder.ToArray();
                encoder.Reset();
                doc.RaiseUpdate(bytes, transaction);
            }

            if (doc.HasUpdateV2Handlers && transaction.HasChanges())
            {
                var encoder = doc.UpdateEncoderV2Cache;
                encoder.Reset();
                UpdateWriter.WriteTransactionUpdate(encoder, transaction);
                var bytes = encoder.ToArray();
                encoder.Reset();
                doc.RaiseUpdateV2(bytes, transaction);
            }

            if (transaction.HasSubdocChanges)
            {
                foreach (var sub in transaction.SubdocsAdded)
                {
                    sub.ClientId = doc.ClientId;
                    doc.Subdocs.Add(sub);
                }

                foreach (var sub in transaction.SubdocsRemoved)
                {
                    doc.Subdocs.Remove(sub);
                }

                doc.RaiseSubdocs(new SubdocsEventArgs([.. transaction.SubdocsAdded], [.. transaction.SubdocsRemoved], [.. transaction.SubdocsLoaded]));
                foreach (var sub in transaction.SubdocsRemoved.ToList())
                {
                    sub.Destroy();
                }
            }
        }
    }

    private static void CallObservers(Transaction transaction)
    {
        var doc = transaction.Doc;
        ExceptionDispatchInfo? first = null;
        for (var i = 0; i < transaction.ChangedList.Count; i++)
        {
            var subs = transaction.ChangedList[i];
            var type = subs.Type;
            if (!subs.Removed && (type.Item is null || !type.Item.Deleted))
            {
                try
                {
                    type.CallObserver(transaction, subs);
                }
                catch (Exception e)
                {
                    first ??= ExceptionDispatchInfo.Capture(e);
                }
            }
        }

        foreach (var type in transaction.ChangedParentOrderOrEmpty)
        {
            if (type.HasDeepObservers && (type.Item is null || !type.Item.Deleted))
            {
                var events = transaction.ChangedParentTypes[type]
                    .Where(e => e.Target.Item is null || !e.Target.Item.Deleted)
                    .ToList();
                foreach (var e in events)
                {
                    e.CurrentTarget = type;
                }

                // JavaScript's sort is stable.
                events = [.. events.OrderBy(e => e.Path.Count)];
                try
                {
                    type.CallDeepObservers(events, transaction);
                }
                catch (Exception e)
                {
                    first ??= ExceptionDispatchInfo.Capture(e);
                }
            }
        }

        try
        {
            doc.RaiseAfterTransaction(transaction);
        }
        catch (Exception e)
        {
            first ??= ExceptionDispatchInfo.Capture(e);
        }

        if (transaction.NeedFormattingCleanup)
        {
            TextFormatting.CleanupAfterTransaction(transaction);
        }

        first?.Throw();
    }

    private static void TryGcDeleteSet(DeleteSet ds, StructStore store, Func<object, bool>? gcFilter)
    {
        foreach (var (client, deleteItems) in ds.Clients)
        {
            var structs = store.Clients[client];
            for (var di = deleteItems.Count - 1; di >= 0; di--)
            {
                var deleteItem = deleteItems[di];
                var end = deleteItem.Clock + deleteItem.Length;
                for (var si = StructStore.FindIndex(structs, deleteItem.Clock); si < structs.Count; si++)
                {
                    var s = structs[si];
                    if (s.Clock >= end)
                    {
                        break;
                    }

                    if (s is Item item && item.Deleted && !item.Keep && (gcFilter is null || gcFilter(item)))
                    {
                        item.Gc(store, false);
                    }
                }
            }
        }
    }

    private static void TryMergeDeleteSet(DeleteSet ds, StructStore store)
    {
        foreach (var (client, deleteItems) in ds.Clients)
        {
            var structs = store.Clients[client];
            for (var di = deleteItems.Count - 1; di >= 0; di--)
            {
                var deleteItem = deleteItems[di];
                var mostRight = Math.Min(structs.Count - 1, 1 + StructStore.FindIndex(structs, deleteItem.Clock + deleteItem.Length - 1));
                for (var si = mostRight; si > 0 && structs[si].Clock >= deleteItem.Clock;)
                {
                    si -= 1 + TryToMergeWithLefts(structs, si);
                }
            }
        }
    }

    private static void MergeNewStructs(Transaction transaction, StructStore store)
    {
        // only the clients the transaction changed (each gained structs, so its clock moved)
        var changed = transaction.ChangedAfter;
        for (var k = 0; k < changed.Count; k++)
        {
            var client = changed.KeyAt(k);
            var structs = store.Clients[client];
            var firstChangePos = Math.Max(StructStore.FindIndex(structs, transaction.BeforeStateOf(client)), 1);
            for (var i = structs.Count - 1; i >= firstChangePos;)
            {
                i -= 1 + TryToMergeWithLefts(structs, i);
            }
        }
    }

    private static void MergeSplitStructs(Transaction transaction, StructStore store)
    {
        var mergeStructs = transaction.MergeStructsOrNull;
        if (mergeStructs is null)
        {
            return;
        }

        for (var i = mergeStructs.Count - 1; i >= 0; i--)
        {
            var s = mergeStructs[i];
            var structs = store.Clients[s.Client];
            var pos = StructStore.FindIndex(structs, s.Clock);
            if (pos + 1 < structs.Count && TryToMergeWithLefts(structs, pos + 1) > 1)
            {
                continue;
            }

            if (pos > 0)
            {
                TryToMergeWithLefts(structs, pos);
            }
        }
    }

    /// <remarks>
    /// yjs merges from the right (each struct absorbs the run to its right, which grows with every step); here the run
    /// that would merge is found first and its leftmost struct absorbs the others in order, so merging a run of n
    /// structs (n updates resolved in one transaction) copies their content once instead of O(n²) times. Same result:
    /// the pairwise conditions are the ones a merged struct would be checked against.
    /// </remarks>
    internal static int TryToMergeWithLefts(StructList structs, int pos)
    {
        var i = pos;
        for (; i > 0; i--)
        {
            var right = structs[i];
            var left = structs[i - 1];
            if (!(left.Deleted == right.Deleted && left.GetType() == right.GetType() && left.CanMergeWith(right)))
            {
                break;
            }
        }

        var target = structs[i];
        for (var j = i + 1; j <= pos; j++)
        {
            var right = structs[j];
            if (!target.MergeWith(right))
            {
                throw new InvalidOperationException("A struct that could merge did not.");
            }

            if (right is Item ri && ri.ParentSub is not null
                && ri.Parent!.Map.TryGetValue(ri.ParentSub, out var current) && current == ri)
            {
                ri.Parent.Map[ri.ParentSub] = (Item)target;
            }
        }

        var merged = pos - i;
        if (merged > 0)
        {
            structs.RemoveRange(pos + 1 - merged, merged);
        }

        return merged;
    }
}
