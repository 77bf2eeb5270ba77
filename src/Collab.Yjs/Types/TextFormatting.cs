namespace Collab.Yjs;

/// <summary>Removal of redundant format marks (yjs <c>cleanupFormattingGap</c>, <c>cleanupYTextAfterTransaction</c>, …).</summary>
internal static class TextFormatting
{
    public static int CleanupFormattingGap(Transaction tr, Item start, Item? curr, AttrMap startAttributes, AttrMap currAttributes)
    {
        Item? end = start;
        Dictionary<string, ContentFormat>? endFormats = null;
        while (end is not null && (!end.Countable || end.Deleted))
        {
            if (!end.Deleted && end.Content is ContentFormat cf)
            {
                (endFormats ??= new(StringComparer.Ordinal))[cf.Key] = cf;
            }

            end = end.Right;
        }

        var cleanups = 0;
        var reachedCurr = false;
        Item? s = start;
        while (s != end)
        {
            if (curr == s)
            {
                reachedCurr = true;
            }

            if (!s!.Deleted && s.Content is ContentFormat f)
            {
                var key = f.Key;
                var value = f.Value;
                var startAttrValue = startAttributes.GetOrNull(key);
                if (endFormats is null || !endFormats.TryGetValue(key, out var ef) || !ReferenceEquals(ef, f) || JsCompare.StrictEquals(startAttrValue, value))
                {
                    s.Delete(tr);
                    cleanups++;
                    if (!reachedCurr && JsCompare.StrictEquals(currAttributes.GetOrNull(key), value) && !JsCompare.StrictEquals(startAttrValue, value))
                    {
                        if (startAttrValue is null)
                        {
                            currAttributes.Delete(key);
                        }
                        else
                        {
                            currAttributes.Set(key, startAttrValue);
                        }
                    }
                }

                if (!reachedCurr && !s.Deleted)
                {
                    TextPosition.UpdateCurrentAttributes(currAttributes, f);
                }
            }

            s = s.Right;
        }

        return cleanups;
    }

    public static void CleanupContextlessFormattingGap(Transaction tr, Item? item)
    {
        while (item is not null && item.Right is not null && (item.Right.Deleted || !item.Right.Countable))
        {
            item = item.Right;
        }

        var attrs = new HashSet<string>(StringComparer.Ordinal);
        while (item is not null && (item.Deleted || !item.Countable))
        {
            if (!item.Deleted && item.Content is ContentFormat f)
            {
                if (!attrs.Add(f.Key))
                {
                    item.Delete(tr);
                }
            }

            item = item.Left;
        }
    }

    public static int CleanupYTextFormatting(AbstractType type)
    {
        var res = 0;
        type.RequireDoc().TransactCore(
            tr =>
            {
                var start = type.Start;
                var end = type.Start;
                var startAttributes = new AttrMap();
                var currentAttributes = startAttributes.Copy();
                while (end is not null)
                {
                    if (!end.Deleted)
                    {
                        if (end.Content is ContentFormat f)
                        {
                            TextPosition.UpdateCurrentAttributes(currentAttributes, f);
                        }
                        else
                        {
                            res += CleanupFormattingGap(tr, start!, end, startAttributes, currentAttributes);
                            startAttributes = currentAttributes.Copy();
                            start = end;
                        }
                    }

                    end = end.Right;
                }
            },
            null,
            true);
        return res;
    }

    public static void CleanupAfterTransaction(Transaction transaction)
    {
        var needFullCleanup = new List<AbstractType>();
        var needFullSet = new HashSet<AbstractType>(ReferenceEqualityComparer.Instance);
        var doc = transaction.Doc;
        var store = doc.Store;
        var changed = transaction.ChangedAfter;
        for (var k = 0; k < changed.Count; k++)
        {
            var client = changed.KeyAt(k);
            var afterClock = changed.ValueAt(k);
            var clock = transaction.BeforeStateOf(client);

            StructStore.IterateStructs(transaction, store.Clients[client], clock, afterClock, s =>
            {
                if (s is Item { Deleted: false, Content: ContentFormat } item && needFullSet.Add(item.Parent!))
                {
                    needFullCleanup.Add(item.Parent!);
                }
            });
        }

        doc.TransactCore(
            t =>
            {
                foreach (var (client, deletes) in transaction.DeleteSet.Clients)
                {
                    if (!store.Clients.TryGetValue(client, out var structs))
                    {
                        continue;
                    }

                    var clockState = structs.EndClock;
                    foreach (var del in deletes)
                    {
                        if (del.Clock >= clockState)
                        {
                            break;
                        }

                        StructStore.IterateStructs(transaction, structs, del.Clock, del.Length, s =>
                        {
                            if (s is not Item item || !item.Parent!.HasFormatting || needFullSet.Contains(item.Parent))
                            {
                                return;
                            }

                            if (item.Content is ContentFormat)
                            {
                                needFullSet.Add(item.Parent);
                                needFullCleanup.Add(item.Parent);
                            }
                            else
                            {
                                CleanupContextlessFormattingGap(t, item);
                            }
                        });
                    }
                }

                foreach (var yText in needFullCleanup)
                {
                    CleanupYTextFormatting(yText);
                }
            },
            null,
            true);
    }
}
