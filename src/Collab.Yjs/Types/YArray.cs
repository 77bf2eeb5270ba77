using System.Collections;
using Collab.Yjs.Lib0;

namespace Collab.Yjs;

/// <summary>A shared array (yjs <c>Y.Array</c>). Values follow <see cref="JsValue"/>; nested types and sub-documents are allowed.</summary>
public sealed class YArray : AbstractType
{
    private List<object?>? _prelim = [];

    /// <summary>Creates a standalone array; insert it into a document to use it (content added before is kept).</summary>
    public YArray()
    {
        SearchMarkers = [];
    }

    /// <summary>Number of elements.</summary>
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

    internal override AbstractType CopyEmpty() => new YArray();

    internal override void WriteTypeRef(IUpdateEncoder encoder) => encoder.WriteTypeRef(0);

    internal override void CallObserver(Transaction transaction, ChangedKeys parentSubs)
    {
        base.CallObserver(transaction, parentSubs);
        if (IsObserved)
        {
            CallTypeObservers(transaction, new YEvent(this, transaction, parentSubs));
        }
    }

    /// <summary>Inserts values at an index.</summary>
    /// <param name="index">Position (0..Length).</param>
    /// <param name="content">The values.</param>
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

    /// <summary>Appends values.</summary>
    /// <param name="content">The values.</param>
    public void Push(IList content)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (Doc is null)
        {
            _prelim!.AddRange(content.Cast<object?>());
            return;
        }

        Doc.TransactCore(tr => TypeOps.PushGenerics(tr, this, content), null, true);
    }

    /// <summary>Prepends values.</summary>
    /// <param name="content">The values.</param>
    public void Unshift(IList content) => Insert(0, content);

    /// <summary>Deletes <paramref name="length"/> elements from <paramref name="index"/>.</summary>
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

    /// <summary>The element at an index (undefined when out of range).</summary>
    /// <param name="index">Position.</param>
    /// <returns>The value.</returns>
    public object? Get(int index) => Doc is null ? _prelim![index] : TypeOps.Get(this, index);

    /// <summary>All elements.</summary>
    /// <returns>A new list.</returns>
    public List<object?> ToArray() => Doc is null ? [.. _prelim!] : TypeOps.ToArray(this);

    /// <inheritdoc />
    public override object? ToJson() => ToArray().Select(TypeOps.ValueToJson).ToList();
}
