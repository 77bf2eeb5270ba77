namespace Collab.Yjs;

internal sealed class ContentString(string str) : AbstractContent
{
    public string Str = str;

    public override int Ref => 4;

    public override int Length => Str.Length;

    public override bool Countable => true;

    public override object? GetValue(int index) => Str[index].ToString();

    public override AbstractContent Copy() => new ContentString(Str);

    public override AbstractContent Splice(int offset)
    {
        var right = new ContentString(Str[offset..]);
        Str = Str[..offset];
        if (char.IsHighSurrogate(Str[offset - 1]))
        {
            Str = string.Concat(Str.AsSpan(0, offset - 1), "\uFFFD");
            right.Str = string.Concat("\uFFFD", right.Str.AsSpan(1));
        }

        return right;
    }

    public override bool MergeWith(AbstractContent right)
    {
        Str += ((ContentString)right).Str;
        return true;
    }

    public override void Write(IUpdateEncoder encoder, int offset)
    {
        if (offset == 0)
        {
            encoder.WriteString(Str);
        }
        else
        {
            encoder.WriteString(Str.AsSpan(offset));
        }
    }
}
