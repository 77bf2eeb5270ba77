using System.Text;
using Collab.Yjs.Lib0;

namespace Collab.Yjs;

/// <summary>
/// Event of a <see cref="YText"/> change. Its <see cref="YEvent.Delta"/> is the rich-text delta of yjs; like in yjs,
/// computing it may delete redundant format marks (which runs a local transaction).
/// </summary>
public sealed class YTextEvent : YEvent
{
    internal YTextEvent(YText target, Transaction transaction, ChangedKeys subs)
        : base(target, transaction, subs)
    {
    }

    internal override List<YDeltaOp> ComputeDelta()
    {
        var delta = new List<YDeltaOp>();
        Target.RequireDoc().TransactCore(tr => Compute(tr, delta), null, true);
        return delta;
    }

    private void Compute(Transaction transaction, List<YDeltaOp> delta)
    {
        var currentAttributes = new AttrMap();
        var oldAttributes = new AttrMap();
        var attributes = new JsObject();
        string? action = null;
        object? insertEmbed = null;
        var insert = new StringBuilder();
        var retain = 0;
        var deleteLen = 0;

        void AddOp()
        {
            if (action is null)
            {
                return;
            }

            YDeltaOp? op = null;
            switch (action)
            {
                case "delete":
                    if (deleteLen > 0)
                    {
                        op = new YDeltaOp { Delete = deleteLen };
                    }

                    deleteLen = 0;
                    break;
                case "insert":
                    if (insertEmbed is not null || insert.Length > 0)
                    {
                        op = new YDeltaOp { Insert = insertEmbed ?? insert.ToString() };
                        if (currentAttributes.Count > 0)
                        {
                            var attrs = new JsObject();
                            foreach (var (k, v) in currentAttributes.Entries)
                            {
                                if (v is not null)
                                {
                                    attrs.Set(k, v);
                                }
                            }

                            op.Attributes = attrs;
                        }
                    }

                    insert.Clear();
                    insertEmbed = null;
                    break;
                case "retain":
                    if (retain > 0)
                    {
                        op = new YDeltaOp { Retain = retain };
                        if (attributes.Count > 0)
                        {
                            var copy = new JsObject();
                            foreach (var (k, v) in attributes)
                            {
                                copy.Set(k, v);
                            }

                            op.Attributes = copy;
                        }
                    }

                    retain = 0;
                    break;
            }

            if (op is not null)
            {
                delta.Add(op);
            }

            action = null;
        }

        for (var item = Target.Start; item is not null; item = item.Right)
        {
            switch (item.Content)
            {
                case ContentType or ContentEmbed:
                    if (Adds(item))
                    {
                        if (!Deletes(item))
                        {
                            AddOp();
                            action = "insert";
                            insertEmbed = item.Content.GetValue(0);
                            AddOp();
                        }
                    }
                    else if (Deletes(item))
                    {
                        if (action != "delete")
                        {
                            AddOp();
                            action = "delete";
                        }

                        deleteLen += 1;
                    }
                    else if (!item.Deleted)
                    {
                        if (action != "retain")
                        {
                            AddOp();
                            action = "retain";
                        }

                        retain += 1;
                    }

                    break;
                case ContentString s:
                    if (Adds(item))
                    {
                        if (!Deletes(item))
                        {
                            if (action != "insert")
                            {
                                AddOp();
                                action = "insert";
                            }

                            insert.Append(s.Span);
                        }
                    }
                    else if (Deletes(item))
                    {
                        if (action != "delete")
                        {
                            AddOp();
                            action = "delete";
                        }

                        deleteLen += item.Length;
                    }
                    else if (!item.Deleted)
                    {
                        if (action != "retain")
                        {
                            AddOp();
                            action = "retain";
                        }

                        retain += item.Length;
                    }

                    break;
                case ContentFormat f:
                    FormatStep(transaction, item, f, currentAttributes, oldAttributes, attributes, ref action, AddOp);
                    break;
            }
        }

        AddOp();
        while (delta.Count > 0 && delta[^1].Retain is not null && delta[^1].Attributes is null)
        {
            delta.RemoveAt(delta.Count - 1);
        }
    }

    private void FormatStep(Transaction transaction, Item item, ContentFormat f, AttrMap currentAttributes, AttrMap oldAttributes, JsObject attributes, ref string? action, Action addOp)
    {
        var key = f.Key;
        var value = f.Value;
        if (Adds(item))
        {
            if (!Deletes(item))
            {
                var curVal = currentAttributes.GetOrNull(key);
                if (!JsCompare.EqualAttrs(curVal, value))
                {
                    if (action == "retain")
                    {
                        addOp();
                        action = null;
                    }

                    if (JsCompare.EqualAttrs(value, oldAttributes.GetOrNull(key)))
                    {
                        attributes.Remove(key);
                    }
                    else
                    {
                        attributes.Set(key, value);
                    }
                }
                else if (value is not null)
                {
                    item.Delete(transaction);
                }
            }
        }
        else if (Deletes(item))
        {
            oldAttributes.Set(key, value);
            var curVal = currentAttributes.GetOrNull(key);
            if (!JsCompare.EqualAttrs(curVal, value))
            {
                if (action == "retain")
                {
                    addOp();
                    action = null;
                }

                attributes.Set(key, curVal);
            }
        }
        else if (!item.Deleted)
        {
            oldAttributes.Set(key, value);
            if (attributes.TryGetValue(key, out var attr) && attr is not JsUndefined)
            {
                if (!JsCompare.EqualAttrs(attr, value))
                {
                    if (action == "retain")
                    {
                        addOp();
                        action = null;
                    }

                    if (value is null)
                    {
                        attributes.Remove(key);
                    }
                    else
                    {
                        attributes.Set(key, value);
                    }
                }
                else if (attr is not null)
                {
                    item.Delete(transaction);
                }
            }
        }

        if (!item.Deleted)
        {
            if (action == "insert")
            {
                addOp();
                action = null;
            }

            TextPosition.UpdateCurrentAttributes(currentAttributes, f);
        }
    }
}
