namespace Collab.Yjs;

/// <summary>
/// Deleting and garbage-collecting the contents of a shared type, done iteratively (yjs recurses) so that
/// arbitrarily deep nesting from a malicious update cannot overflow the stack. Visiting order equals yjs'.
/// </summary>
internal static class TypeTreeOps
{
    private sealed class Frame(AbstractType type)
    {
        public readonly AbstractType Type = type;
        public Item? Next = type.Start;
        public bool InMap;
        public Item[]? MapItems;
        public int MapIndex;
    }

    public static void Delete(Transaction transaction, AbstractType root)
    {
        var stack = new Stack<Frame>();
        stack.Push(new Frame(root));
        while (stack.Count > 0)
        {
            var frame = stack.Peek();
            Item? item;
            if (!frame.InMap)
            {
                item = frame.Next;
                if (item is null)
                {
                    frame.InMap = true;
                    frame.MapItems = [.. frame.Type.Map.Values];
                    continue;
                }

                frame.Next = item.Right;
            }
            else if (frame.MapIndex < frame.MapItems!.Length)
            {
                item = frame.MapItems[frame.MapIndex++];
            }
            else
            {
                transaction.RemoveChanged(frame.Type);
                stack.Pop();
                continue;
            }

            if (!item.Deleted)
            {
                if (item.DeleteShallow(transaction) is { } nested)
                {
                    stack.Push(new Frame(nested));
                }
            }
            else if (item.Clock < transaction.BeforeStateOf(item.Client))
            {
                transaction.MergeStructs.Add(item);
            }
        }
    }

    private sealed class GcFrame(AbstractType type)
    {
        public readonly AbstractType Type = type;
        public readonly List<Item> Items = Collect(type);
        public int Index;
        public Item? Pending;
    }

    private static List<Item> Collect(AbstractType type)
    {
        var list = new List<Item>();
        for (var item = type.Start; item is not null; item = item.Right)
        {
            list.Add(item);
        }

        foreach (var head in type.Map.Values)
        {
            for (Item? item = head; item is not null; item = item.Left)
            {
                list.Add(item);
            }
        }

        return list;
    }

    /// <summary>Turns every item of the type (recursively) into GC structs, children before parents.</summary>
    public static void Gc(StructStore store, AbstractType root)
    {
        var stack = new Stack<GcFrame>();
        stack.Push(new GcFrame(root));
        while (stack.Count > 0)
        {
            var frame = stack.Peek();
            if (frame.Pending is { } done)
            {
                frame.Pending = null;
                store.ReplaceStruct(done, new GcStruct(done.Client, done.Clock, done.Length));
                continue;
            }

            if (frame.Index < frame.Items.Count)
            {
                var item = frame.Items[frame.Index++];
                if (!item.Deleted)
                {
                    throw new InvalidOperationException("Only deleted items can be garbage collected.");
                }

                frame.Pending = item;
                if (item.Content is ContentType ct)
                {
                    stack.Push(new GcFrame(ct.Type));
                }
                else
                {
                    item.Content.Gc(store);
                }

                continue;
            }

            frame.Type.Start = null;
            frame.Type.Map.Clear();
            stack.Pop();
        }
    }
}
