namespace Collab.Yjs;

internal sealed class ContentDeleted(int length) : AbstractContent
{
    private int _length = length;

    public override int Ref => 1;

    public override int Length => _length;

    public override bool Countable => false;

    public override object? GetValue(int index) => null;

    public override AbstractContent Copy() => new ContentDeleted(_length);

    public override AbstractContent Splice(int offset)
    {
        var right = new ContentDeleted(_length - offset);
        _length = offset;
        return right;
    }

    public override bool Mergeable => true;

    public override bool MergeWith(AbstractContent right)
    {
        _length += right.Length;
        return true;
    }

    public override void Integrate(Transaction transaction, Item item)
    {
        transaction.DeleteSet.Add(item.Client, item.Clock, _length);
        item.MarkDeleted();
    }

    public override void Write(IUpdateEncoder encoder, int offset) => encoder.WriteLen(_length - offset);
}
