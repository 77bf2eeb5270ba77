namespace Collab.Yjs;

/// <summary>Applies a decoded delete set (yjs <c>readAndApplyDeleteSet</c>); returns the unapplicable rest as a v2 update.</summary>
internal static class DeleteSetApplier
{
    public static byte[]? Apply(Transaction transaction, StructStore store, List<(long Client, long Clock, long Length)> ds)
    {
        DeleteSet? unapplied = null;
        foreach (var (client, clock, len) in ds)
        {
            var clockEnd = clock + len;
            var state = store.GetState(client);
            if (len == 0)
            {
                continue;
            }

            if (clock < state)
            {
                if (state < clockEnd)
                {
                    (unapplied ??= new DeleteSet()).Add(client, state, clockEnd - state);
                }

                var structs = store.Clients[client];
                var index = StructStore.FindIndex(structs, clock);
                var s = structs[index];
                if (!s.Deleted && s.Clock < clock)
                {
                    structs.Insert(index + 1, Item.Split(transaction, (Item)s, (int)(clock - s.Clock)));
                    index++;
                }

                while (index < structs.Count)
                {
                    s = structs[index++];
                    if (s.Clock < clockEnd)
                    {
                        if (!s.Deleted)
                        {
                            var item = (Item)s;
                            if (clockEnd < s.Clock + s.Length)
                            {
                                structs.Insert(index, Item.Split(transaction, item, (int)(clockEnd - s.Clock)));
                            }

                            item.Delete(transaction);
                        }
                    }
                    else
                    {
                        break;
                    }
                }
            }
            else
            {
                (unapplied ??= new DeleteSet()).Add(client, clock, clockEnd - clock);
            }
        }

        if (unapplied is null)
        {
            return null;
        }

        // yjs writes the ranges in read order; for yjs-produced input they are already sorted and disjoint.
        // Sorting and merging keeps malformed (unsorted, overlapping) input encodable in the v2 delta format.
        unapplied.SortAndMerge();

        var encoder = new UpdateEncoderV2();
        encoder.RestEncoder.WriteVarUInt(0);
        unapplied.Write(encoder);
        return encoder.ToArray();
    }
}
