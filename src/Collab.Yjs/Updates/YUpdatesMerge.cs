namespace Collab.Yjs;

public static partial class YUpdates
{
    /// <summary>Inputs up to this count are merged with yjs' exact reader ordering (V8 sort every iteration).</summary>
    private const int ExactMergeLimit = 512;

    private static AbstractStruct SliceStruct(AbstractStruct left, int diff) => left switch
    {
        GcStruct => new GcStruct(left.Client, left.Clock + diff, left.Length - diff),
        Skip => new Skip(left.Client, left.Clock + diff, left.Length - diff),
        Item item => new Item(item.Client, item.Clock + diff, null, new ID(item.Client, item.Clock + diff - 1), null, item.RightOrigin, item.Parent, item.ParentSub, item.Content.Splice(diff)) { ParentRef = item.ParentRef },
        _ => throw new InvalidOperationException(),
    };

    private sealed class MergeState(LazyStructWriter writer)
    {
        public readonly LazyStructWriter Writer = writer;
        public AbstractStruct? CurrWrite;
        public int CurrOffset;

        /// <summary>One iteration of yjs' merge loop for the first reader in order.</summary>
        public void Step(LazyStructReader currDecoder)
        {
            var firstClient = currDecoder.Curr!.Client;
            if (CurrWrite is not null)
            {
                var curr = currDecoder.Curr;
                var iterated = false;
                while (curr is not null && curr.Clock + curr.Length <= CurrWrite.Clock + CurrWrite.Length && curr.Client >= CurrWrite.Client)
                {
                    curr = currDecoder.Next();
                    iterated = true;
                }

                if (curr is null || curr.Client != firstClient || (iterated && curr.Clock > CurrWrite.Clock + CurrWrite.Length))
                {
                    return;
                }

                if (firstClient != CurrWrite.Client)
                {
                    Writer.Write(CurrWrite, CurrOffset);
                    CurrWrite = curr;
                    CurrOffset = 0;
                    currDecoder.Next();
                }
                else if (CurrWrite.Clock + CurrWrite.Length < curr.Clock)
                {
                    if (CurrWrite is Skip)
                    {
                        CurrWrite.Length = (int)(curr.Clock + curr.Length - CurrWrite.Clock);
                    }
                    else
                    {
                        Writer.Write(CurrWrite, CurrOffset);
                        var diff = curr.Clock - CurrWrite.Clock - CurrWrite.Length;
                        CurrWrite = new Skip(firstClient, CurrWrite.Clock + CurrWrite.Length, (int)diff);
                        CurrOffset = 0;
                    }
                }
                else
                {
                    var diff = (int)(CurrWrite.Clock + CurrWrite.Length - curr.Clock);
                    if (diff > 0)
                    {
                        if (CurrWrite is Skip)
                        {
                            CurrWrite.Length -= diff;
                        }
                        else
                        {
                            curr = SliceStruct(curr, diff);
                        }
                    }

                    if (!CurrWrite.MergeWith(curr))
                    {
                        Writer.Write(CurrWrite, CurrOffset);
                        CurrWrite = curr;
                        CurrOffset = 0;
                        currDecoder.Next();
                    }
                }
            }
            else
            {
                CurrWrite = currDecoder.Curr;
                CurrOffset = 0;
                currDecoder.Next();
            }

            for (var next = currDecoder.Curr;
                 next is not null && next.Client == firstClient && next.Clock == CurrWrite!.Clock + CurrWrite.Length && next is not Skip;
                 next = currDecoder.Next())
            {
                Writer.Write(CurrWrite, CurrOffset);
                CurrWrite = next;
                CurrOffset = 0;
            }
        }
    }

    /// <summary>yjs' comparator, including its inconsistency for a GC and an Item at the same id (both "less").</summary>
    private static int CompareReaders(LazyStructReader a, LazyStructReader b)
    {
        var x = a.Curr!;
        var y = b.Curr!;
        if (x.Client == y.Client)
        {
            var clockDiff = x.Clock - y.Clock;
            if (clockDiff == 0)
            {
                return x.GetType() == y.GetType() ? 0 : x is Skip ? 1 : -1;
            }

            return clockDiff < 0 ? -1 : 1;
        }

        return y.Client < x.Client ? -1 : 1;
    }

    /// <summary>
    /// mergeUpdates. Up to <see cref="ExactMergeLimit"/> inputs the readers are re-sorted every iteration with a port
    /// of V8's sort (byte-identical to yjs even where its comparator is inconsistent). Above that, a priority queue
    /// replaces the sort: only the first reader changes per iteration and a stable re-sort puts it before readers
    /// with an equal key, which a decreasing tie-break sequence reproduces — O(n log n) instead of yjs' O(n²).
    /// </summary>
    private static byte[] Merge(IReadOnlyList<byte[]> updates, bool v2)
    {
        if (updates.Count == 1)
        {
            return updates[0];
        }

        var decoders = new IUpdateDecoder[updates.Count];
        var readers = new List<LazyStructReader>(updates.Count);
        for (var i = 0; i < updates.Count; i++)
        {
            decoders[i] = Decoder(updates[i], v2);
            readers.Add(new LazyStructReader(decoders[i], true, updates[i].Length));
        }

        var encoder = Encoder(v2);
        var state = new MergeState(new LazyStructWriter(encoder));
        if (updates.Count <= ExactMergeLimit)
        {
            MergeExact(readers, state);
        }
        else
        {
            MergeWithQueue(readers, state);
        }

        if (state.CurrWrite is not null)
        {
            state.Writer.Write(state.CurrWrite, state.CurrOffset);
        }

        state.Writer.Finish();
        var merged = new DeleteSet();
        foreach (var d in decoders)
        {
            DeleteSet.ReadInto(d, merged);
        }

        merged.SortAndMerge();
        merged.Write(encoder);
        return encoder.ToArray();
    }

    private static void MergeExact(List<LazyStructReader> readers, MergeState state)
    {

        var sorter = new V8Sort<LazyStructReader>(CompareReaders);
        var array = new LazyStructReader[readers.Count];
        var count = 0;
        foreach (var r in readers)
        {
            array[count++] = r;
        }

        while (true)
        {
            var live = 0;
            for (var i = 0; i < count; i++)
            {
                if (array[i].Curr is not null)
                {
                    array[live++] = array[i];
                }
            }

            count = live;
            sorter.Sort(array, count);
            if (count == 0)
            {
                break;
            }

            state.Step(array[0]);
        }
    }

    private static void MergeWithQueue(List<LazyStructReader> readers, MergeState state)
    {
        var queue = new PriorityQueue<LazyStructReader, (long NegClient, long Clock, long Seq)>(readers.Count);
        for (var i = 0; i < readers.Count; i++)
        {
            if (readers[i].Curr is { } c)
            {
                queue.Enqueue(readers[i], (-c.Client, c.Clock, i));
            }
        }

        long seq = 0;
        while (queue.Count > 0)
        {
            var currDecoder = queue.Dequeue();
            state.Step(currDecoder);
            if (currDecoder.Curr is { } nc)
            {
                queue.Enqueue(currDecoder, (-nc.Client, nc.Clock, --seq));
            }
        }
    }
}
