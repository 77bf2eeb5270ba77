namespace Collab.Yjs;

public sealed partial class Doc
{
    /// <summary>
    /// Requests loading of this sub-document: sets <see cref="ShouldLoad"/> and, if it was not set, reports the
    /// document in the parent's <see cref="SubdocsChanged"/> event as loaded.
    /// </summary>
    public void Load()
    {
        var item = Item;
        if (item is not null && !ShouldLoad)
        {
            item.Parent!.Doc!.TransactCore(tr => tr.SubdocsLoaded.Add(this), null, true);
        }

        ShouldLoad = true;
    }

    /// <summary>Whether <see cref="Destroy"/> was called.</summary>
    public bool IsDestroyed { get; private set; }

    /// <summary>
    /// Destroys this document. For a sub-document, the embedding item gets a fresh unloaded document
    /// instance (as yjs does), reported in a local transaction on the parent.
    /// </summary>
    public void Destroy()
    {
        IsDestroyed = true;
        foreach (var sub in Subdocs.ToList())
        {
            sub.Destroy();
        }

        var item = Item;
        if (item is not null)
        {
            Item = null;
            var content = item.Content as ContentDoc;
            var fresh = CreateFromOptions(Guid, content?.Options ?? new Lib0.JsObject());
            fresh.ShouldLoad = false;
            if (content is not null)
            {
                content.Doc = fresh;
            }

            fresh.Item = item;
            item.Parent!.Doc!.TransactCore(
                tr =>
                {
                    if (!item.Deleted)
                    {
                        tr.SubdocsAdded.Add(fresh);
                    }

                    tr.SubdocsRemoved.Add(this);
                },
                null,
                true);
        }
    }
}
