using Collab.Yjs.Lib0;

namespace Collab.Yjs;

/// <summary>A position in a text's item list with the attributes in effect (yjs <c>ItemTextListPosition</c>).</summary>
internal sealed class TextPosition(Item? left, Item? right, int index, AttrMap currentAttributes)
{
    public Item? Left = left;
    public Item? Right = right;
    public int Index = index;
    public AttrMap CurrentAttributes = currentAttributes;

    public void Forward()
    {
        var r = Right ?? throw new InvalidOperationException("Unexpected end of text.");
        if (r.Content is ContentFormat f)
        {
            if (!r.Deleted)
            {
                UpdateCurrentAttributes(CurrentAttributes, f);
            }
        }
        else if (!r.Deleted)
        {
            Index += r.Length;
        }

        Left = r;
        Right = r.Right;
    }

    public static void UpdateCurrentAttributes(AttrMap attrs, ContentFormat f)
    {
        if (f.Value is null)
        {
            attrs.Delete(f.Key);
        }
        else
        {
            attrs.Set(f.Key, f.Value);
        }
    }

    public static TextPosition FindNext(Transaction tr, TextPosition pos, int count)
    {
        while (pos.Right is not null && count > 0)
        {
            var r = pos.Right;
            if (r.Content is ContentFormat f)
            {
                if (!r.Deleted)
                {
                    UpdateCurrentAttributes(pos.CurrentAttributes, f);
                }
            }
            else if (!r.Deleted)
            {
                if (count < r.Length)
                {
                    tr.Doc.Store.GetItemCleanStart(tr, new ID(r.Client, r.Clock + count));
                }

                pos.Index += r.Length;
                count -= r.Length;
            }

            pos.Left = pos.Right;
            pos.Right = pos.Right.Right;
        }

        return pos;
    }

    public static TextPosition Find(Transaction tr, AbstractType parent, int index, bool useSearchMarker)
    {
        var attrs = new AttrMap();
        var marker = useSearchMarker ? SearchMarker.Find(parent, index) : null;
        if (marker is not null)
        {
            var pos = new TextPosition(marker.P.Left, marker.P, marker.Index, attrs);
            return FindNext(tr, pos, index - marker.Index);
        }

        return FindNext(tr, new TextPosition(null, parent.Start, 0, attrs), index);
    }

    public static object? AttrOrNull(JsObject attributes, string key) =>
        attributes.TryGetValue(key, out var v) && v is not JsUndefined ? v : null;
}
