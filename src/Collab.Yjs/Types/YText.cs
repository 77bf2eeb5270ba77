using System.Text;
using Collab.Yjs.Lib0;

namespace Collab.Yjs;

/// <summary>
/// Shared rich text (yjs <c>Y.Text</c>). Indices and lengths count UTF-16 code units, like JavaScript.
/// Attributes are <see cref="JsObject"/>s; a null attribute value removes formatting.
/// </summary>
public class YText : AbstractType
{
    private List<Action>? _pending = [];

    /// <summary>Creates a standalone text (optionally with initial content); insert it into a document to use it.</summary>
    /// <param name="initial">Initial text.</param>
    public YText(string? initial = null)
    {
        SearchMarkers = [];
        if (initial is not null)
        {
            _pending!.Add(() => Insert(0, initial));
        }
    }

    /// <summary>Length in UTF-16 code units.</summary>
    public int Length => LengthInternal;

    internal override void Integrate(Doc doc, Item? item)
    {
        base.Integrate(doc, item);
        var pending = _pending;
        _pending = null;
        if (pending is { Count: > 0 })
        {
            foreach (var p in pending)
            {
                p();
            }
        }
    }

    internal override AbstractType CopyEmpty() => new YText();

    internal override void WriteTypeRef(IUpdateEncoder encoder) => encoder.WriteTypeRef(2);

    internal override void CallObserver(Transaction transaction, ChangedKeys parentSubs)
    {
        base.CallObserver(transaction, parentSubs);
        if (IsObserved)
        {
            CallTypeObservers(transaction, new YTextEvent(this, transaction, parentSubs));
        }
        if (!transaction.Local && HasFormatting)
        {
            transaction.NeedFormattingCleanup = true;
        }
    }

    private void Edit(Action<Transaction> action)
    {
        if (Doc is null)
        {
            (_pending ??= []).Add(() => Edit(action));
            return;
        }

        Doc.TransactCore(action, null, true);
    }

    /// <summary>Inserts text. Without <paramref name="attributes"/> the text inherits the formatting in effect at the position.</summary>
    /// <param name="index">Position in code units.</param>
    /// <param name="text">The text.</param>
    /// <param name="attributes">Formatting, or null to inherit.</param>
    public void Insert(int index, string text, JsObject? attributes = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0)
        {
            return;
        }

        if (Doc is null)
        {
            Edit(tr => InsertCore(tr, (this, index, text, attributes)));
            return;
        }

        Doc.TransactCore(InsertCore, (this, index, text, attributes), null, true);
    }

    /// <summary>Inserts an embed (a JavaScript object) or a shared type.</summary>
    /// <param name="index">Position.</param>
    /// <param name="embed">The embed value or an <see cref="AbstractType"/>.</param>
    /// <param name="attributes">Formatting.</param>
    public void InsertEmbed(int index, object embed, JsObject? attributes = null)
    {
        ArgumentNullException.ThrowIfNull(embed);
        Edit(tr =>
        {
            var pos = TextPosition.Find(tr, this, index, attributes is null);
            TextEditing.InsertText(tr, this, pos, embed, attributes is null ? [] : Copy(attributes));
        });
    }

    /// <summary>Deletes <paramref name="length"/> code units from <paramref name="index"/>.</summary>
    /// <param name="index">Start.</param>
    /// <param name="length">Count.</param>
    public void Delete(int index, int length)
    {
        if (length == 0)
        {
            return;
        }

        if (Doc is null)
        {
            Edit(tr => DeleteCore(tr, (this, index, length)));
            return;
        }

        Doc.TransactCore(DeleteCore, (this, index, length), null, true);
    }

    private static void InsertCore(Transaction tr, (YText Text, int Index, string Value, JsObject? Attributes) s)
    {
        var pos = TextPosition.Find(tr, s.Text, s.Index, s.Attributes is null);
        var attrs = s.Attributes is null ? pos.CurrentAttributes.ToJsObject() : Copy(s.Attributes);
        TextEditing.InsertText(tr, s.Text, pos, s.Value, attrs);
    }

    private static void DeleteCore(Transaction tr, (YText Text, int Index, int Length) s) =>
        TextEditing.DeleteText(tr, TextPosition.Find(tr, s.Text, s.Index, true), s.Length);

    /// <summary>Formats a range (a length beyond the end appends newlines, like Quill).</summary>
    /// <param name="index">Start.</param>
    /// <param name="length">Count.</param>
    /// <param name="attributes">Attributes to set (null values remove).</param>
    public void Format(int index, int length, JsObject attributes)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        if (length == 0)
        {
            return;
        }

        Edit(tr =>
        {
            var pos = TextPosition.Find(tr, this, index, false);
            if (pos.Right is null)
            {
                return;
            }

            TextEditing.FormatText(tr, this, pos, length, Copy(attributes));
        });
    }

    /// <summary>Applies a Quill-style delta: a list of <see cref="JsObject"/> ops with insert / retain / delete and attributes.</summary>
    /// <param name="delta">The ops.</param>
    /// <param name="sanitize">When false, a trailing newline of the last insert at the end is dropped (yjs option).</param>
    public void ApplyDelta(IReadOnlyList<JsObject> delta, bool sanitize = true)
    {
        ArgumentNullException.ThrowIfNull(delta);
        Edit(tr =>
        {
            var currPos = new TextPosition(null, Start, 0, new AttrMap());
            for (var i = 0; i < delta.Count; i++)
            {
                var op = delta[i];
                var attrs = op.TryGetValue("attributes", out var a) && a is JsObject ao ? Copy(ao) : [];
                if (op.TryGetValue("insert", out var ins) && ins is not JsUndefined)
                {
                    if (!sanitize && ins is string s0 && i == delta.Count - 1 && currPos.Right is null && s0.EndsWith('\n'))
                    {
                        ins = s0[..^1];
                    }

                    if (ins is not string s || s.Length > 0)
                    {
                        TextEditing.InsertText(tr, this, currPos, ins!, attrs);
                    }
                }
                else if (op.TryGetValue("retain", out var ret) && JsValue.TryGetNumber(ret, out var retain))
                {
                    TextEditing.FormatText(tr, this, currPos, (int)retain, attrs);
                }
                else if (op.TryGetValue("delete", out var del) && JsValue.TryGetNumber(del, out var deleteLen))
                {
                    TextEditing.DeleteText(tr, currPos, (int)deleteLen);
                }
            }
        });
    }

    /// <summary>Sets a type-level attribute (stored in the key map).</summary>
    /// <param name="name">Attribute name.</param>
    /// <param name="value">Value.</param>
    public void SetAttribute(string name, object? value) => Edit(tr => TypeOps.MapSet(tr, this, name, value));

    /// <summary>Removes a type-level attribute.</summary>
    /// <param name="name">Attribute name.</param>
    public void RemoveAttribute(string name) => Edit(tr => TypeOps.MapDelete(tr, this, name));

    /// <summary>Reads a type-level attribute (undefined when absent).</summary>
    /// <param name="name">Attribute name.</param>
    /// <returns>The value.</returns>
    public object? GetAttribute(string name) => TryGetMapValue(name, out var v) ? v : JsUndefined.Value;

    /// <summary>All type-level attributes.</summary>
    /// <returns>An object.</returns>
    public JsObject GetAttributes() => TypeOps.MapToJson(this);

    /// <summary>The plain text (embeds and formatting marks contribute nothing).</summary>
    /// <returns>The text.</returns>
    public override string ToString()
    {
        var sb = new StringBuilder(LengthInternal);
        for (var n = Start; n is not null; n = n.Right)
        {
            if (!n.Deleted && n.Countable && n.Content is ContentString s)
            {
                sb.Append(s.Span);
            }
        }

        return sb.ToString();
    }

    /// <inheritdoc />
    public override object? ToJson() => ToString();

    /// <summary>The content as a delta: a list of <see cref="JsObject"/> ops <c>{insert, attributes?}</c>.</summary>
    /// <returns>The ops.</returns>
    public List<JsObject> ToDelta()
    {
        var ops = new List<JsObject>();
        var current = new AttrMap();
        var str = new StringBuilder();
        void PackStr()
        {
            if (str.Length > 0)
            {
                var op = new JsObject { ["insert"] = str.ToString() };
                if (current.Count > 0)
                {
                    op.Set("attributes", current.ToJsObject());
                }

                ops.Add(op);
                str.Clear();
            }
        }

        for (var n = Start; n is not null; n = n.Right)
        {
            if (n.Deleted)
            {
                continue;
            }

            switch (n.Content)
            {
                case ContentString s:
                    str.Append(s.Span);
                    break;
                case ContentType or ContentEmbed:
                    {
                        PackStr();
                        var op = new JsObject { ["insert"] = n.Content.GetValue(0) };
                        if (current.Count > 0)
                        {
                            op.Set("attributes", current.ToJsObject());
                        }

                        ops.Add(op);
                        break;
                    }

                case ContentFormat f:
                    PackStr();
                    TextPosition.UpdateCurrentAttributes(current, f);
                    break;
            }
        }

        PackStr();
        return ops;
    }

    private static JsObject Copy(JsObject o)
    {
        var c = new JsObject();
        foreach (var (k, v) in o)
        {
            c.Set(k, v);
        }

        return c;
    }
}
