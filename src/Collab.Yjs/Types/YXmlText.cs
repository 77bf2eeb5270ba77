using System.Text;
using Collab.Yjs.Lib0;

namespace Collab.Yjs;

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
