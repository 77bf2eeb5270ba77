using Collab.Yjs.Lib0;

namespace Collab.Yjs;

/// <summary>Local text editing algorithms of yjs (insertText, formatText, deleteText and helpers).</summary>
internal static class TextEditing
{
    public static void InsertNegatedAttributes(Transaction tr, AbstractType parent, TextPosition currPos, AttrMap negated)
    {
        while (currPos.Right is { } r
            && (r.Deleted || (r.Content is ContentFormat f && JsCompare.EqualAttrs(negated.TryGetValue(f.Key, out var nv) ? nv : JsUndefined.Value, f.Value))))
        {
            if (!r.Deleted)
            {
                negated.Delete(((ContentFormat)r.Content).Key);
            }

            currPos.Forward();
        }

        foreach (var (key, val) in negated.Entries.ToList())
        {
            var left = currPos.Left;
            var right = currPos.Right;
            var next = TypeOps.NewItem(tr, left, right, parent, null, new ContentFormat(key, val));
            next.Integrate(tr, 0);
            currPos.Right = next;
            currPos.Forward();
        }
    }

    public static void MinimizeAttributeChanges(TextPosition currPos, JsObject attributes)
    {
        while (currPos.Right is { } r)
        {
            if (r.Deleted || (r.Content is ContentFormat f && JsCompare.EqualAttrs(TextPosition.AttrOrNull(attributes, f.Key), f.Value)))
            {
                currPos.Forward();
                continue;
            }

            break;
        }
    }

    public static AttrMap InsertAttributes(Transaction tr, AbstractType parent, TextPosition currPos, JsObject attributes)
    {
        var negated = new AttrMap();
        foreach (var (key, val) in attributes)
        {
            var currentVal = currPos.CurrentAttributes.GetOrNull(key);
            if (!JsCompare.EqualAttrs(currentVal, val))
            {
                negated.Set(key, currentVal);
                var item = TypeOps.NewItem(tr, currPos.Left, currPos.Right, parent, null, new ContentFormat(key, val));
                currPos.Right = item;
                item.Integrate(tr, 0);
                currPos.Forward();
            }
        }

        return negated;
    }

    public static void InsertText(Transaction tr, AbstractType parent, TextPosition currPos, object text, JsObject attributes)
    {
        foreach (var (key, _) in currPos.CurrentAttributes.Entries)
        {
            if (!attributes.TryGetValue(key, out var v) || v is JsUndefined)
            {
                attributes.Set(key, null);
            }
        }

        MinimizeAttributeChanges(currPos, attributes);
        var negated = InsertAttributes(tr, parent, currPos, attributes);
        AbstractContent content = text switch
        {
            string s => new ContentString(s),
            AbstractType t => new ContentType(t),
            _ => new ContentEmbed(JsValue.Normalize(text)),
        };
        var index = currPos.Index;
        if (parent.SearchMarkers is not null)
        {
            SearchMarker.UpdateChanges(parent.SearchMarkers, currPos.Index, content.Length);
        }

        var right = TypeOps.NewItem(tr, currPos.Left, currPos.Right, parent, null, content);
        right.Integrate(tr, 0);
        currPos.Right = right;
        currPos.Index = index;
        currPos.Forward();
        InsertNegatedAttributes(tr, parent, currPos, negated);
    }

    public static void FormatText(Transaction tr, AbstractType parent, TextPosition currPos, int length, JsObject attributes)
    {
        MinimizeAttributeChanges(currPos, attributes);
        var negated = InsertAttributes(tr, parent, currPos, attributes);
        while (currPos.Right is { } r && (length > 0 || (negated.Count > 0 && (r.Deleted || r.Content is ContentFormat))))
        {
            if (!r.Deleted)
            {
                if (r.Content is ContentFormat f)
                {
                    if (attributes.TryGetValue(f.Key, out var attr) && attr is not JsUndefined)
                    {
                        if (JsCompare.EqualAttrs(attr, f.Value))
                        {
                            negated.Delete(f.Key);
                        }
                        else
                        {
                            if (length == 0)
                            {
                                break;
                            }

                            negated.Set(f.Key, f.Value);
                        }

                        r.Delete(tr);
                    }
                    else
                    {
                        currPos.CurrentAttributes.Set(f.Key, f.Value);
                    }
                }
                else
                {
                    if (length < r.Length)
                    {
                        tr.Doc.Store.GetItemCleanStart(tr, new ID(r.Client, r.Clock + length));
                    }

                    length -= r.Length;
                }
            }

            currPos.Forward();
        }

        if (length > 0)
        {
            var newlines = new string('\n', length);
            var item = TypeOps.NewItem(tr, currPos.Left, currPos.Right, parent, null, new ContentString(newlines));
            currPos.Right = item;
            item.Integrate(tr, 0);
            currPos.Forward();
        }

        InsertNegatedAttributes(tr, parent, currPos, negated);
    }

    public static TextPosition DeleteText(Transaction tr, TextPosition currPos, int length)
    {
        var startLength = length;
        var startAttrs = currPos.CurrentAttributes.Copy();
        var start = currPos.Right;
        while (length > 0 && currPos.Right is { } r)
        {
            if (!r.Deleted && r.Content is ContentType or ContentEmbed or ContentString)
            {
                if (length < r.Length)
                {
                    tr.Doc.Store.GetItemCleanStart(tr, new ID(r.Client, r.Clock + length));
                }

                length -= r.Length;
                r.Delete(tr);
            }

            currPos.Forward();
        }

        if (start is not null)
        {
            TextFormatting.CleanupFormattingGap(tr, start, currPos.Right, startAttrs, currPos.CurrentAttributes);
        }

        var parent = (currPos.Left ?? currPos.Right)?.Parent;
        if (parent?.SearchMarkers is not null)
        {
            SearchMarker.UpdateChanges(parent.SearchMarkers, currPos.Index, -startLength + length);
        }

        return currPos;
    }
}
