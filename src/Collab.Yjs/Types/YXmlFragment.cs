using System.Collections;
using System.Text;
using Collab.Yjs.Lib0;

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

/// <summary>A shared XML element (yjs <c>Y.XmlElement</c>): node name, attributes and children.</summary>
/// <param name="nodeName">The node name.</param>
public sealed class YXmlElement(string nodeName = "UNDEFINED") : YXmlFragment
{
    private List<KeyValuePair<string, object?>>? _prelimAttrs = [];

    /// <summary>The node name.</summary>
    public string NodeName { get; } = nodeName;

    internal override void Integrate(Doc doc, Item? item)
    {
        base.Integrate(doc, item);
        var attrs = _prelimAttrs;
        _prelimAttrs = null;
        if (attrs is { Count: > 0 })
        {
            foreach (var (k, v) in attrs)
            {
                SetAttribute(k, v);
            }
        }
    }

    internal override AbstractType CopyEmpty() => new YXmlElement(NodeName);

    internal override void WriteTypeRef(IUpdateEncoder encoder)
    {
        encoder.WriteTypeRef(3);
        encoder.WriteKey(NodeName);
    }

    /// <summary>Sets an attribute.</summary>
    /// <param name="name">Name.</param>
    /// <param name="value">Value.</param>
    public void SetAttribute(string name, object? value)
    {
        if (Doc is null)
        {
            _prelimAttrs!.RemoveAll(kv => kv.Key == name);
            _prelimAttrs.Add(new(name, value));
            return;
        }

        Doc.TransactCore(tr => TypeOps.MapSet(tr, this, name, value), null, true);
    }

    /// <summary>Removes an attribute.</summary>
    /// <param name="name">Name.</param>
    public void RemoveAttribute(string name) => RequireDoc().TransactCore(tr => TypeOps.MapDelete(tr, this, name), null, true);

    /// <summary>Reads an attribute (undefined when absent).</summary>
    /// <param name="name">Name.</param>
    /// <returns>The value.</returns>
    public object? GetAttribute(string name) => TryGetMapValue(name, out var v) ? v : JsUndefined.Value;

    /// <summary>All attributes.</summary>
    /// <returns>An object.</returns>
    public JsObject GetAttributes() => TypeOps.MapToJson(this);

    /// <inheritdoc />
    public override string ToString()
    {
        var attrs = GetAttributes();
        var keys = attrs.Keys.ToList();
        keys.Sort(StringComparer.Ordinal);
        var sb = new StringBuilder();
        var name = NodeName.ToLowerInvariant();
        sb.Append('<').Append(name);
        foreach (var k in keys)
        {
            sb.Append(' ').Append(k).Append("=\"").Append(JsString.Convert(attrs[k])).Append('"');
        }

        sb.Append('>').Append(base.ToString()).Append("</").Append(name).Append('>');
        return sb.ToString();
    }
}

/// <summary>Shared XML text (yjs <c>Y.XmlText</c>): a <see cref="YText"/> rendered with formatting as nested tags.</summary>
public sealed class YXmlText : YText
{
    /// <summary>Creates a standalone XML text.</summary>
    /// <param name="initial">Initial text.</param>
    public YXmlText(string? initial = null) : base(initial)
    {
    }

    internal override AbstractType CopyEmpty() => new YXmlText();

    internal override void WriteTypeRef(IUpdateEncoder encoder) => encoder.WriteTypeRef(6);

    /// <inheritdoc />
    public override string ToString()
    {
        var sb = new StringBuilder();
        foreach (var op in ToDelta())
        {
            var nested = new List<(string Name, List<(string Key, object? Value)> Attrs)>();
            if (op.TryGetValue("attributes", out var a) && a is JsObject attributes)
            {
                foreach (var (nodeName, value) in attributes)
                {
                    var attrs = JsString.ForIn(value).ToList();
                    attrs.Sort((x, y) => string.CompareOrdinal(x.Key, y.Key) < 0 ? -1 : 1);
                    nested.Add((nodeName, attrs));
                }
            }

            nested.Sort((x, y) => string.CompareOrdinal(x.Name, y.Name) < 0 ? -1 : 1);
            foreach (var (name, attrs) in nested)
            {
                sb.Append('<').Append(name);
                foreach (var (k, v) in attrs)
                {
                    sb.Append(' ').Append(k).Append("=\"").Append(JsString.Convert(v)).Append('"');
                }

                sb.Append('>');
            }

            sb.Append(JsString.Convert(op["insert"]));
            for (var i = nested.Count - 1; i >= 0; i--)
            {
                sb.Append("</").Append(nested[i].Name).Append('>');
            }
        }

        return sb.ToString();
    }

    /// <inheritdoc />
    public override object? ToJson() => ToString();
}

/// <summary>A shared XML hook (yjs <c>Y.XmlHook</c>): a map with a hook name.</summary>
/// <param name="hookName">The hook name.</param>
public sealed class YXmlHook(string hookName) : YMap
{
    /// <summary>The hook name.</summary>
    public string HookName { get; } = hookName;

    internal override AbstractType CopyEmpty() => new YXmlHook(HookName);

    internal override void WriteTypeRef(IUpdateEncoder encoder)
    {
        encoder.WriteTypeRef(5);
        encoder.WriteKey(HookName);
    }
}
