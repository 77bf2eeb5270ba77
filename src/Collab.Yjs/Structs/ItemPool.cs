namespace Collab.Yjs;

/// <summary>
/// Supplies blank <see cref="Item"/> objects that the garbage collector has already promoted to its oldest
/// generation, for the items a document integrates.
/// </summary>
/// <remarks>
/// Integrating an item links it between two existing items (<c>left.Right = item</c>, <c>right.Left = item</c>).
/// When the item is freshly allocated, those are references from old objects to a young one: each marks a card
/// at a random place in a large, long-lived heap, and every ephemeral collection until the item is promoted scans
/// those cards. With random-position edits the pauses grew with the size of the documents (measured: a gen0
/// collection took 11 ms with 200 small documents and 67 ms once they held 1.2 million items). An item that is
/// already old when it is linked marks no card on its neighbours; only its own young fields (its content) mark
/// cards, and those lie next to each other because a chunk's items were allocated together.
/// Items are rented in chunks per thread; chunks age in a queue until their items reach the oldest generation.
/// When no aged chunk is ready the caller gets a fresh item (the previous behaviour) and the pool grows, up to a
/// bound. Items are never returned: an item belongs to its document until the collector frees it.
/// </remarks>
internal static class ItemPool
{
    private const int ChunkSize = 256;

    /// <summary>At most this many chunks wait or are ready (65,536 items, about 9 MiB).</summary>
    private const int MaxChunks = 256;

    private static readonly Lock Gate = new();
    private static readonly Queue<Item[]> Aging = new();
    private static readonly Stack<Item[]> Ready = new();

    [ThreadStatic]
    private static Item[]? t_chunk;

    [ThreadStatic]
    private static int t_next;

    /// <summary>False: every item is freshly allocated (the baseline of the GC-pause benchmark).</summary>
    internal static bool Enabled { get; set; } = true;

    /// <summary>Chunks waiting to age plus chunks ready (for tests and diagnostics).</summary>
    internal static int PooledChunks
    {
        get
        {
            lock (Gate)
            {
                return Aging.Count + Ready.Count;
            }
        }
    }

    /// <summary>A blank item: aged when one is ready, otherwise newly allocated.</summary>
    public static Item Rent()
    {
        if (!Enabled)
        {
            return new Item();
        }

        var chunk = t_chunk;
        var next = t_next;
        if (chunk is not null && next < chunk.Length)
        {
            var item = chunk[next];
            chunk[next] = null!;
            t_next = next + 1;
            return item;
        }

        return RentSlow();
    }

    private static Item RentSlow()
    {
        var chunk = TakeChunk();
        t_chunk = chunk;
        if (chunk is null)
        {
            return new Item();
        }

        var item = chunk[0];
        chunk[0] = null!;
        t_next = 1;
        return item;
    }

    private static Item[]? TakeChunk()
    {
        lock (Gate)
        {
            while (Aging.TryPeek(out var waiting) && IsAged(waiting))
            {
                Ready.Push(Aging.Dequeue());
            }

            Ready.TryPop(out var taken);

            // Keep the supply level with consumption: one new chunk for each one taken, two more when the pool ran
            // dry (the load grew), none past the bound.
            var add = taken is null ? 2 : 1;
            for (var i = 0; i < add && Aging.Count + Ready.Count < MaxChunks; i++)
            {
                Aging.Enqueue(NewChunk());
            }

            return taken;
        }
    }

    private static bool IsAged(Item[] chunk) =>
        GC.GetGeneration(chunk[0]) == GC.MaxGeneration && GC.GetGeneration(chunk[^1]) == GC.MaxGeneration;

    private static Item[] NewChunk()
    {
        var chunk = new Item[ChunkSize];
        for (var i = 0; i < chunk.Length; i++)
        {
            chunk[i] = new Item();
        }

        return chunk;
    }
}
