using System.Collections;
using System.Text;

namespace Collab.Yjs;

/// <summary>A shared XML fragment (yjs <c>Y.XmlFragment</c>): a list of <see cref="YXmlElement"/>, <see cref="YXmlText"/> and <see cref="YXmlHook"/> children.</summary>
public class YXmlFragment : AbstractType
{
    private List<object?>? _prelim = [];

    /// <summary>Creates a standalone fragment.</summary>
    public YXmlFragment()
    {
    }

    /// <summary>Number of children.</summary>
    public int Length => _prelim?.Count ?? LengthInternal;

    internal override void Integrate(Doc doc, Item? item)
    {
        base.Integrate(doc, item);
        var prelim = _prelim;
        _prelim = null;
        if (prelim is { Count: > 0 })
        {
            Insert(0, prelim);
        }
    }

    internal override AbstractType CopyEmpty() => new YXmlFragment();

    internal override void WriteTypeRef(IUpdateEncoder encoder) => encoder.WriteTypeRef(4);

    internal override void CallObserver(Transaction transaction, ChangedKeys parentSubs)
    {
        if (IsObserved)
        {
            CallTypeObservers(transaction, new YEvent(this, transaction, parentSubs));
        }
    }

    /// <summary>Inserts children at an index.</summary>
    /// <param name="index">Position.</param>
    /// <param name="content">Children (XML types).</param>
    public void Insert(int index, IList content)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (Doc is null)
        {
            _prelim!.InsertRange(index, content.Cast<object?>());
            return;
        }

        Doc.TransactCore(tr => TypeOps.InsertGenerics(tr, this, index, content), null, true);
    }

    /// <summary>Appends children.</summary>
    /// <param name="content">Children.</param>
    public void Push(IList content) => Insert(Length, content);

    /// <summary>Deletes children.</summary>
    /// <param name="index">Start.</param>
    /// <param name="length">Count.</param>
    public void Delete(int index, int length = 1)
    {
        if (Doc is null)
        {
            _prelim!.RemoveRange(index, length);
            return;
        }

        Doc.TransactCore(tr => TypeOps.Delete(tr, this, index, length), null, true);
    }

    /// <summary>The child at an index.</summary>
    /// <param name="index">Position.</param>
    /// <returns>The child.</returns>
    public object? Get(int index) => Doc is null ? _prelim![index] : TypeOps.Get(this, index);

    /// <summary>All children.</summary>
    /// <returns>A new list.</returns>
    public List<object?> ToArray() => Doc is null ? [.. _prelim!] : TypeOps.ToArray(this);

    /// <summary>Concatenated string form of all children.</summary>
    /// <returns>The XML text.</returns>
    public override string ToString()
    {
        var sb = new StringBuilder();
        foreach (var c in ToArray())
        {
            sb.Append(JsString.Convert(c));
        }

        return sb.ToString();
    }

    /// <inheritdoc />
    public override object? ToJson() => ToString();
}
