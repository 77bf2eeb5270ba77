using System.Text;
using Collab.Yjs.Lib0;

namespace Collab.Yjs;

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
