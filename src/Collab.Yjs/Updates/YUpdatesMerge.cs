namespace Collab.Yjs;

public static partial class YUpdates
{
    private static AbstractStruct SliceStruct(AbstractStruct left, int diff) => left switch
    {
        GcStruct => new GcStruct(left.Client, left.Clock + diff, left.Length - diff),
        Skip => new Skip(left.Client, left.Clock + diff, left.Length - diff),
        Item item => new Item(item.Client, item.Clock + diff, null, new ID(item.Client, item.Clock + diff - 1), null, item.RightOrigin, item.Parent, item.ParentSub, item.Content.Splice(diff)) { ParentRef = item.ParentRef },
        _ => throw new InvalidOperationException(),
    };

    /// <summary>
    /// mergeUpdates with the same output as yjs, but the per-iteration stable sort of all readers is replaced by
    /// a priority queue: only the first reader changes per iteration and a stable re-sort puts it before readers
    /// with an equal key, which a decreasing tie-break sequence reproduces. O(n log n) instead of O(n²).
    /// </summary>
    private static byte[] Merge(IReadOnlyList<byte[]> updates, bool v2)
    {
        if (updates.Count == 1)
        {
            return updates[0];
        }

        var decoders = new IUpdateDecoder[updates.Count];
        var queue = new PriorityQueue<LazyStructReader, (long NegClient, long Clock, long Seq)>(updates.Count);
        for (var i = 0; i < updates.Count; i++)
        {
            decoders[i] = Decoder(updates[i], v2);
            var reader = new LazyStructReader(decoders[i], true, updates[i].Length);
            if (reader.Curr is { } c)
            {
                queue.Enqueue(reader, (-c.Client, c.Clock, i));
            }
        }

        long seq = 0;
        AbstractStruct? currWrite = null;
        var currOffset = 0;
        var encoder = Encoder(v2);
        var writer = new LazyStructWriter(encoder);
        while (queue.Count > 0)
        {
            var currDecoder = queue.Dequeue();
            var firstClient = currDecoder.Curr!.Client;
            var skipTail = false;
            if (currWrite is not null)
            {
                var curr = currDecoder.Curr;
                var iterated = false;
                while (curr is not null && curr.Clock + curr.Length <= currWrite.Clock + currWrite.Length && curr.Client >= currWrite.Client)
                {
                    curr = currDecoder.Next();
                    iterated = true;
                }

                if (curr is null || curr.Client != firstClient || (iterated && curr.Clock > currWrite.Clock + currWrite.Length))
                {
                    skipTail = true;
                }
                else if (firstClient != currWrite.Client)
                {
                    writer.Write(currWrite, currOffset);
                    currWrite = curr;
                    currOffset = 0;
                    currDecoder.Next();
                }
                else if (currWrite.Clock + currWrite.Length < curr.Clock)
                {
                    if (currWrite is Skip)
                    {
                        currWrite.Length = (int)(curr.Clock + curr.Length - currWrite.Clock);
                    }
                    else
                    {
                        writer.Write(currWrite, currOffset);
                        var diff = curr.Clock - currWrite.Clock - currWrite.Length;
                        currWrite = new Skip(firstClient, currWrite.Clock + currWrite.Length, (int)diff);
                        currOffset = 0;
                    }
                }
                else
                {
                    var diff = (int)(currWrite.Clock + currWrite.Length - curr.Clock);
                    if (diff > 0)
                    {
                        if (currWrite is Skip)
                        {
                            currWrite.Length -= diff;
                        }
                        else
                        {
                            curr = SliceStruct(curr, diff);
                        }
                    }

                    if (!currWrite.MergeWith(curr))
                    {
                        writer.Write(currWrite, currOffset);
                        currWrite = curr;
                        currOffset = 0;
                        currDecoder.Next();
                    }
                }
            }
            else
            {
                currWrite = currDecoder.Curr;
                currOffset = 0;
                currDecoder.Next();
            }

            if (!skipTail)
            {
                for (var next = currDecoder.Curr;
                     next is not null && next.Client == firstClient && next.Clock == currWrite!.Clock + currWrite.Length && next is not Skip;
                     next = currDecoder.Next())
                {
                    writer.Write(currWrite, currOffset);
                    currWrite = next;
                    currOffset = 0;
                }
            }

            if (currDecoder.Curr is { } nc)
            {
                queue.Enqueue(currDecoder, (-nc.Client, nc.Clock, --seq));
            }
        }

        if (currWrite is not null)
        {
            writer.Write(currWrite, currOffset);
        }

        writer.Finish();
        var merged = new DeleteSet();
        foreach (var d in decoders)
        {
            DeleteSet.ReadInto(d, merged);
        }

        merged.SortAndMerge();
        merged.Write(encoder);
        return encoder.ToArray();
    }
}
