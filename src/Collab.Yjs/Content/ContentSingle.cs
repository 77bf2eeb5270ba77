namespace Collab.Yjs;

internal sealed class ContentBinary(byte[] content) : AbstractContent
{
    public readonly byte[] Content = content;

    public override int Ref => 3;

    public override int Length => 1;

    public override bool Countable => true;

    public override object? GetValue(int index) => Content;

    public override AbstractContent Copy() => new ContentBinary(Content);

    public override void Write(IUpdateEncoder encoder, int offset) => encoder.WriteBuf(Content);
}

internal sealed class ContentEmbed(object? embed) : AbstractContent
{
    public readonly object? Embed = embed;

    public override int Ref => 5;

    public override int Length => 1;

    public override bool Countable => true;

    public override object? GetValue(int index) => Embed;

    public override AbstractContent Copy() => new ContentEmbed(Embed);

    public override void Write(IUpdateEncoder encoder, int offset) => encoder.WriteJson(Embed);
}

internal sealed class ContentFormat(string key, object? value) : AbstractContent
{
    public readonly string Key = key;
    public readonly object? Value = value;

    public override int Ref => 6;

    public override int Length => 1;

    public override bool Countable => false;

    public override object? GetValue(int index) => null;

    public override AbstractContent Copy() => new ContentFormat(Key, Value);

    public override void Integrate(Transaction transaction, Item item)
    {
        var p = item.Parent!;
        p.SearchMarkers = null;
        p.HasFormatting = true;
    }

    public override void Write(IUpdateEncoder encoder, int offset)
    {
        encoder.WriteKey(Key);
        encoder.WriteJson(Value);
    }
}
