namespace Collab.Yjs;

internal sealed class ContentType(AbstractType type) : AbstractContent
{
    public readonly AbstractType Type = type;

    public override int Ref => 7;

    public override int Length => 1;

    public override bool Countable => true;

    public override object? GetValue(int index) => Type;

    public override AbstractContent Copy() => new ContentType(Type.CopyEmpty());

    public override void Integrate(Transaction transaction, Item item) => Type.Integrate(transaction.Doc, item);

    public override void Delete(Transaction transaction) => TypeTreeOps.Delete(transaction, Type);

    public override void Gc(StructStore store) => TypeTreeOps.Gc(store, Type);

    public override void Write(IUpdateEncoder encoder, int offset) => Type.WriteTypeRef(encoder);
}

internal sealed class ContentDoc : AbstractContent
{
    public ContentDoc(Doc doc)
    {
        Doc = doc;
    }

    public Doc Doc { get; set; }

    public override int Ref => 9;

    public override int Length => 1;

    public override bool Countable => true;

    public override object? GetValue(int index) => Doc;

    public Lib0.JsObject Options
    {
        get
        {
            var opts = new Lib0.JsObject();
            if (!Doc.Gc)
            {
                opts.Set("gc", false);
            }

            if (Doc.AutoLoad)
            {
                opts.Set("autoLoad", true);
            }

            if (Doc.Meta is not null)
            {
                opts.Set("meta", Doc.Meta);
            }

            return opts;
        }
    }

    public override AbstractContent Copy() => new ContentDoc(Doc.CreateFromOptions(Doc.Guid, Options));

    public override void Integrate(Transaction transaction, Item item)
    {
        Doc.Item = item;
        transaction.SubdocsAdded.Add(Doc);
        if (Doc.ShouldLoad)
        {
            transaction.SubdocsLoaded.Add(Doc);
        }
    }

    public override void Delete(Transaction transaction)
    {
        if (!transaction.SubdocsAdded.Remove(Doc))
        {
            transaction.SubdocsRemoved.Add(Doc);
        }
    }

    public override void Write(IUpdateEncoder encoder, int offset)
    {
        encoder.WriteString(Doc.Guid);
        encoder.WriteAny(Options);
    }
}
