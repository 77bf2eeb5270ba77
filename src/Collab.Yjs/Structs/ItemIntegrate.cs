namespace Collab.Yjs;

internal sealed partial class Item
{
    public override void Integrate(Transaction transaction, int offset)
    {
        var store = transaction.Doc.Store;
        if (offset > 0)
        {
            Clock += offset;
            var l = store.GetItemCleanEnd(transaction, new ID(Client, Clock - 1));
            Left = l as Item;
            Origin = new ID(l.Client, l.Clock + l.Length - 1);
            Content = Content.Splice(offset);
            Length -= offset;
        }

        var parent = Parent;
        if (parent is null)
        {
            new GcStruct(Client, Clock, Length).Integrate(transaction, 0);
            return;
        }

        if ((Left is null && (Right is null || Right.Left is not null)) || (Left is not null && Left.Right != Right))
        {
            ResolveConflicts(transaction, parent);
        }

        if (Left is not null)
        {
            Right = Left.Right;
            Left.Right = this;
        }
        else
        {
            Item? r;
            if (ParentSub is not null)
            {
                parent.Map.TryGetValue(ParentSub, out r);
                while (r is not null && r.Left is not null)
                {
                    r = r.Left;
                }
            }
            else
            {
                r = parent.Start;
                parent.Start = this;
            }

            Right = r;
        }

        if (Right is not null)
        {
            Right.Left = this;
        }
        else if (ParentSub is not null)
        {
            parent.Map[ParentSub] = this;
            Left?.Delete(transaction);
        }

        if (ParentSub is null && Countable && !Deleted)
        {
            parent.LengthInternal += Length;
        }

        store.AddStruct(transaction, this);
        Content.Integrate(transaction, this);
        transaction.AddChangedType(parent, ParentSub);
        if ((parent.Item is not null && parent.Item.Deleted) || (ParentSub is not null && Right is not null))
        {
            Delete(transaction);
        }
    }

    private void ResolveConflicts(Transaction transaction, AbstractType parent)
    {
        var left = Left;
        Item? o;
        if (left is not null)
        {
            o = left.Right;
        }
        else if (ParentSub is not null)
        {
            parent.Map.TryGetValue(ParentSub, out o);
            while (o is not null && o.Left is not null)
            {
                o = o.Left;
            }
        }
        else
        {
            o = parent.Start;
        }

        var store = transaction.Doc.Store;
        var conflicting = transaction.ConflictingScratch;
        var beforeOrigin = transaction.BeforeOriginScratch;
        conflicting.Clear();
        beforeOrigin.Clear();
        while (o is not null && o != Right)
        {
            beforeOrigin.Add(o);
            conflicting.Add(o);
            if (ID.Same(Origin, o.Origin))
            {
                if (o.Client < Client)
                {
                    left = o;
                    conflicting.Clear();
                }
                else if (ID.Same(RightOrigin, o.RightOrigin))
                {
                    break;
                }
            }
            else if (o.Origin is { } oo && store.Find(oo) is Item oi && beforeOrigin.Contains(oi))
            {
                if (!conflicting.Contains(oi))
                {
                    left = o;
                    conflicting.Clear();
                }
            }
            else
            {
                break;
            }

            o = o.Right;
        }

        Left = left;
    }

    public bool MergeWithItem(Item right)
    {
        if (ID.Same(right.Origin, LastId)
            && Right == right
            && ID.Same(RightOrigin, right.RightOrigin)
            && Client == right.Client
            && Clock + Length == right.Clock
            && Deleted == right.Deleted
            && Content.GetType() == right.Content.GetType()
            && Content.MergeWith(right.Content))
        {
            var markers = Parent?.SearchMarkers;
            if (markers is not null)
            {
                foreach (var marker in markers)
                {
                    if (marker.P == right)
                    {
                        marker.P = this;
                        if (!Deleted && Countable)
                        {
                            marker.Index -= Length;
                        }
                    }
                }
            }

            if (right.Keep)
            {
                Keep = true;
            }

            Right = right.Right;
            if (Right is not null)
            {
                Right.Left = this;
            }

            Length += right.Length;
            return true;
        }

        return false;
    }

    public override bool MergeWith(AbstractStruct right) => right is Item r && MergeWithItem(r);

    /// <summary>The conditions of <see cref="MergeWithItem"/>, without merging (content merges by type: see <see cref="AbstractContent.Mergeable"/>).</summary>
    public override bool CanMergeWith(AbstractStruct right) =>
        right is Item r
        && ID.Same(r.Origin, LastId)
        && Right == r
        && ID.Same(RightOrigin, r.RightOrigin)
        && Client == r.Client
        && Clock + Length == r.Clock
        && Deleted == r.Deleted
        && Content.GetType() == r.Content.GetType()
        && Content.Mergeable;

    public void Delete(Transaction transaction)
    {
        if (!Deleted && DeleteShallow(transaction) is { } nested)
        {
            TypeTreeOps.Delete(transaction, nested);
        }
    }

    /// <summary>
    /// Marks this (not yet deleted) item deleted and runs the content hook, except for nested types whose
    /// contents the caller must delete (returned so that deletion of deep trees stays iterative).
    /// </summary>
    public AbstractType? DeleteShallow(Transaction transaction)
    {
        var parent = Parent!;
        if (Countable && ParentSub is null)
        {
            parent.LengthInternal -= Length;
        }

        MarkDeleted();
        transaction.DeleteSet.Add(Client, Clock, Length);
        transaction.AddChangedType(parent, ParentSub);
        if (Content is ContentType ct)
        {
            return ct.Type;
        }

        Content.Delete(transaction);
        return null;
    }

    public void Gc(StructStore store, bool parentGcd)
    {
        if (!Deleted)
        {
            throw new InvalidOperationException("Only deleted items can be garbage collected.");
        }

        if (Content is ContentType ct)
        {
            TypeTreeOps.Gc(store, ct.Type);
        }
        else
        {
            Content.Gc(store);
        }

        if (parentGcd)
        {
            store.ReplaceStruct(this, new GcStruct(Client, Clock, Length));
        }
        else
        {
            Content = new ContentDeleted(Length);
        }
    }

    public override void Write(IUpdateEncoder encoder, int offset)
    {
        ID? origin = offset > 0 ? new ID(Client, Clock + offset - 1) : Origin;
        var info = (byte)((Content.Ref & 0x1f)
            | (origin is null ? 0 : 0x80)
            | (RightOrigin is null ? 0 : 0x40)
            | (ParentSub is null ? 0 : 0x20));
        encoder.WriteInfo(info);
        if (origin is { } oid)
        {
            encoder.WriteLeftId(oid);
        }

        if (RightOrigin is { } rid)
        {
            encoder.WriteRightId(rid);
        }

        if (origin is null && RightOrigin is null)
        {
            if (Parent is { } parent)
            {
                if (parent.Item is null)
                {
                    encoder.WriteParentInfo(true);
                    encoder.WriteString(parent.RootName ?? string.Empty);
                }
                else
                {
                    encoder.WriteParentInfo(false);
                    encoder.WriteLeftId(parent.Item.Id);
                }
            }
            else if (ParentRef is string name)
            {
                encoder.WriteParentInfo(true);
                encoder.WriteString(name);
            }
            else if (ParentRef is ID pid)
            {
                encoder.WriteParentInfo(false);
                encoder.WriteLeftId(pid);
            }
            else
            {
                throw new InvalidOperationException("Item without parent information.");
            }

            if (ParentSub is not null)
            {
                encoder.WriteString(ParentSub);
            }
        }

        Content.Write(encoder, offset);
    }
}
