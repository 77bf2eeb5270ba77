namespace Collab.Yjs;

/// <summary>Base of the struct kinds held in a struct store (Item, GC) or in updates (Skip).</summary>
internal abstract class AbstractStruct(long client, long clock, int length)
{
    public long Client = client;
    public long Clock = clock;
    public int Length = length;

    public ID Id => new(Client, Clock);

    public long End => Clock + Length;

    public abstract bool Deleted { get; }

    public abstract void Write(IUpdateEncoder encoder, int offset);

    public abstract bool MergeWith(AbstractStruct right);

    /// <summary>Whether <see cref="MergeWith"/> would merge <paramref name="right"/> (no side effect).</summary>
    public abstract bool CanMergeWith(AbstractStruct right);

    public abstract void Integrate(Transaction transaction, int offset);
}

/// <summary>A garbage-collected clock range.</summary>
internal sealed class GcStruct(long client, long clock, int length) : AbstractStruct(client, clock, length)
{
    public const byte StructRef = 0;

    public override bool Deleted => true;

    public override bool CanMergeWith(AbstractStruct right) => right is GcStruct;

    public override bool MergeWith(AbstractStruct right)
    {
        if (right is not GcStruct)
        {
            return false;
        }

        Length += right.Length;
        return true;
    }

    public override void Integrate(Transaction transaction, int offset)
    {
        if (offset > 0)
        {
            Clock += offset;
            Length -= offset;
        }

        transaction.Doc.Store.AddStruct(transaction, this);
    }

    public override void Write(IUpdateEncoder encoder, int offset)
    {
        encoder.WriteInfo(StructRef);
        encoder.WriteLen(Length - offset);
    }
}

/// <summary>A gap marker inside encoded updates; never stored in a document.</summary>
internal sealed class Skip(long client, long clock, int length) : AbstractStruct(client, clock, length)
{
    public const byte StructRef = 10;

    public override bool Deleted => true;

    public override bool CanMergeWith(AbstractStruct right) => right is Skip;

    public override bool MergeWith(AbstractStruct right)
    {
        if (right is not Skip)
        {
            return false;
        }

        Length += right.Length;
        return true;
    }

    public override void Integrate(Transaction transaction, int offset) => throw new InvalidOperationException("Skip structs are never integrated.");

    public override void Write(IUpdateEncoder encoder, int offset)
    {
        encoder.WriteInfo(StructRef);
        encoder.RestEncoder.WriteVarUInt((ulong)(Length - offset));
    }
}
