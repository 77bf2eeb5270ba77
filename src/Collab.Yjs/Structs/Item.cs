namespace Collab.Yjs;

/// <summary>A struct with content and CRDT metadata, linked into its parent's list (yjs <c>Item</c>).</summary>
internal sealed partial class Item : AbstractStruct
{
    private const byte KeepFlag = 1;
    private const byte CountableFlag = 2;
    private const byte DeletedFlag = 4;
    private const byte MarkerFlag = 8;

    public ID? Origin;
    public Item? Left;
    public Item? Right;
    public ID? RightOrigin;
    public AbstractType? Parent;

    /// <summary>While decoding: the parent as a root name (string) or an item id (boxed <see cref="ID"/>); null once resolved.</summary>
    public object? ParentRef;
    public string? ParentSub;
    public AbstractContent Content;
    private byte _info;

    public Item(long client, long clock, Item? left, ID? origin, Item? right, ID? rightOrigin, AbstractType? parent, string? parentSub, AbstractContent content)
        : base(client, clock, content.Length)
    {
        Origin = origin;
        Left = left;
        Right = right;
        RightOrigin = rightOrigin;
        Parent = parent;
        ParentSub = parentSub;
        Content = content;
        _info = content.Countable ? CountableFlag : (byte)0;
    }

    /// <summary>A blank item for <see cref="ItemPool"/>; <see cref="Create"/> fills it in.</summary>
    internal Item()
        : base(0, 0, 0)
    {
        Content = null!;
    }

    /// <summary>
    /// Like the constructor, but from <see cref="ItemPool"/>: for items that go into a document (not for transient
    /// items of update merging, which would only waste aged objects).
    /// </summary>
    public static Item Create(long client, long clock, Item? left, ID? origin, Item? right, ID? rightOrigin, AbstractType? parent, string? parentSub, AbstractContent content, object? parentRef = null)
    {
        var item = ItemPool.Rent();
        item.Client = client;
        item.Clock = clock;
        item.Length = content.Length;
        item.Origin = origin;
        item.Left = left;
        item.Right = right;
        item.RightOrigin = rightOrigin;
        item.Parent = parent;
        item.ParentRef = parentRef;
        item.ParentSub = parentSub;
        item.Content = content;
        item._info = content.Countable ? CountableFlag : (byte)0;
        return item;
    }

    public bool Keep
    {
        get => (_info & KeepFlag) != 0;
        set => _info = value ? (byte)(_info | KeepFlag) : (byte)(_info & ~KeepFlag);
    }

    public bool Countable => (_info & CountableFlag) != 0;

    public override bool Deleted => (_info & DeletedFlag) != 0;

    public bool Marker
    {
        get => (_info & MarkerFlag) != 0;
        set => _info = value ? (byte)(_info | MarkerFlag) : (byte)(_info & ~MarkerFlag);
    }

    public void MarkDeleted() => _info |= DeletedFlag;

    public ID LastId => new(Client, Clock + Length - 1);

    /// <summary>The next non-deleted item to the right.</summary>
    public Item? Next
    {
        get
        {
            var n = Right;
            while (n is not null && n.Deleted)
            {
                n = n.Right;
            }

            return n;
        }
    }

    /// <summary>The next non-deleted item to the left.</summary>
    public Item? Prev
    {
        get
        {
            var n = Left;
            while (n is not null && n.Deleted)
            {
                n = n.Left;
            }

            return n;
        }
    }

    /// <summary>Splits this item at <paramref name="diff"/>; returns the new right part (not yet in the store).</summary>
    public static Item Split(Transaction transaction, Item leftItem, int diff)
    {
        var client = leftItem.Client;
        var clock = leftItem.Clock;
        var rightItem = Create(
            client,
            clock + diff,
            leftItem,
            new ID(client, clock + diff - 1),
            leftItem.Right,
            leftItem.RightOrigin,
            leftItem.Parent,
            leftItem.ParentSub,
            leftItem.Content.Splice(diff));
        if (leftItem.Deleted)
        {
            rightItem.MarkDeleted();
        }

        if (leftItem.Keep)
        {
            rightItem.Keep = true;
        }

        leftItem.Right = rightItem;
        if (rightItem.Right is not null)
        {
            rightItem.Right.Left = rightItem;
        }

        transaction.MergeStructs.Add(rightItem);
        if (rightItem.ParentSub is not null && rightItem.Right is null)
        {
            rightItem.Parent!.Map[rightItem.ParentSub] = rightItem;
        }

        leftItem.Length = diff;
        return rightItem;
    }

    /// <summary>Returns the client of a missing dependency, or null after resolving left/right/parent.</summary>
    public long? GetMissing(Transaction transaction, StructStore store)
    {
        if (Origin is { } o && o.Client != Client && o.Clock >= store.GetState(o.Client))
        {
            return o.Client;
        }

        if (RightOrigin is { } ro && ro.Client != Client && ro.Clock >= store.GetState(ro.Client))
        {
            return ro.Client;
        }

        if (ParentRef is ID pid && pid.Client != Client && pid.Clock >= store.GetState(pid.Client))
        {
            return pid.Client;
        }

        var leftIsGc = false;
        var rightIsGc = false;
        if (Origin is { } origin)
        {
            var l = store.GetItemCleanEnd(transaction, origin);
            Left = l as Item;
            Origin = new ID(l.Client, l.Clock + l.Length - 1);
            leftIsGc = l is GcStruct;
        }

        if (RightOrigin is { } rightOrigin)
        {
            var r = store.GetItemCleanStart(transaction, rightOrigin);
            Right = r as Item;
            RightOrigin = new ID(r.Client, r.Clock);
            rightIsGc = r is GcStruct;
        }

        if (leftIsGc || rightIsGc)
        {
            Parent = null;
            ParentRef = null;
        }
        else if (Parent is null && ParentRef is null)
        {
            if (Left is not null)
            {
                Parent = Left.Parent;
                ParentSub = Left.ParentSub;
            }
            else if (Right is not null)
            {
                Parent = Right.Parent;
                ParentSub = Right.ParentSub;
            }
        }
        else if (ParentRef is ID parentId)
        {
            var parentStruct = store.Find(parentId);
            Parent = parentStruct is Item { Content: ContentType ct } ? ct.Type : null;
            ParentRef = null;
        }

        return null;
    }
}
