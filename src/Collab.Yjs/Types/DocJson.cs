using System.Text;
using Collab.Yjs.Lib0;

namespace Collab.Yjs;

/// <summary>One root type of a document as <see cref="DocJson"/> reads it.</summary>
/// <param name="Name">The root's name.</param>
/// <param name="Type">The type it is read as (<see cref="YText"/>, <see cref="YMap"/>, <see cref="YArray"/>, <see cref="YXmlFragment"/> or <see cref="YXmlElement"/>).</param>
/// <param name="Value">Its JSON value (a string for text and XML, a <see cref="JsObject"/> for a map, a list for an array).</param>
public sealed record DocJsonRoot(string Name, Type Type, object? Value);

/// <summary>
/// A document as JSON: one property per root type with that type's JSON (text → string, map → object, array → array,
/// XML fragment → its XML string), roots in ordinal order of their names. An update only says which roots exist, not
/// their types; roots whose type is not given are recognised from their content: keys → map, XML nodes → XML fragment,
/// characters that read back as text → text, else array. (The JavaScript <c>doc.toJSON()</c> leaves such roots out.)
/// </summary>
public static class DocJson
{
    /// <summary>Renders an encoded document state (v1 update) as a JSON object.</summary>
    /// <param name="state">The document's state.</param>
    /// <param name="knownTypes">The types of roots that are known (from a live document, see <see cref="KnownTypes"/>); the others are recognised.</param>
    /// <returns>Compact JSON, as <c>JSON.stringify</c> writes it.</returns>
    /// <exception cref="YjsDecodingException"><paramref name="state"/> is not a v1 update.</exception>
    public static string Render(byte[] state, IReadOnlyDictionary<string, Type>? knownTypes = null)
    {
        var json = new StringBuilder("{");
        foreach (var root in Roots(state, knownTypes))
        {
            if (json.Length > 1)
            {
                json.Append(',');
            }

            json.Append(JsJson.Stringify(root.Name)).Append(':').Append(root.Value is JsUndefined ? "null" : JsJson.Stringify(root.Value));
        }

        return json.Append('}').ToString();
    }

    /// <summary>The root types of an encoded document state with their types and JSON values, in ordinal order of their names.</summary>
    /// <param name="state">The document's state (v1 update).</param>
    /// <param name="knownTypes">The types of roots that are known; the others are recognised from their content.</param>
    /// <returns>The roots.</returns>
    /// <exception cref="YjsDecodingException"><paramref name="state"/> is not a v1 update.</exception>
    public static IReadOnlyList<DocJsonRoot> Roots(byte[] state, IReadOnlyDictionary<string, Type>? knownTypes = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        var roots = new List<DocJsonRoot>();
        foreach (var name in Load(state).RootNames.Order(StringComparer.Ordinal).ToList())
        {
            // each root is read in a fresh document: reading it as a type fixes that type for the document
            var type = knownTypes is not null && knownTypes.TryGetValue(name, out var known) ? known : Guess(state, name);
            roots.Add(new DocJsonRoot(name, type, ToJson(Load(state), name, type)));
        }

        return roots;
    }

    /// <summary>The types of the roots of <paramref name="doc"/> that code has read as a given type (untyped roots are left out).</summary>
    /// <param name="doc">A live document.</param>
    /// <returns>Root name → type.</returns>
    public static Dictionary<string, Type> KnownTypes(Doc doc)
    {
        ArgumentNullException.ThrowIfNull(doc);
        var types = new Dictionary<string, Type>(StringComparer.Ordinal);
        foreach (var name in doc.RootNames)
        {
            if (doc.TryGetRoot(name) is { } root && root.GetType() != typeof(AbstractType))
            {
                types[name] = root.GetType();
            }
        }

        return types;
    }

    private static Doc Load(byte[] state)
    {
        var doc = new Doc();
        doc.ApplyUpdate(state);
        return doc;
    }

    private static Type Guess(byte[] state, string name)
    {
        if (Load(state).GetMap(name).Keys.Any())
        {
            return typeof(YMap);
        }

        var items = Load(state).GetArray(name).ToArray();
        if (items.Any(i => i is YXmlFragment or YXmlText or YXmlHook))
        {
            return typeof(YXmlFragment);
        }

        // Text reads as an array of characters; an array of one-character strings does not read back as text.
        return items.Count > 0 && items.All(i => i is string { Length: 1 or 2 })
            && Load(state).GetText(name).ToString() == string.Concat(items.Cast<string>())
            ? typeof(YText)
            : typeof(YArray);
    }

    private static object? ToJson(Doc doc, string name, Type type) => type switch
    {
        _ when type == typeof(YText) => doc.GetText(name).ToJson(),
        _ when type == typeof(YMap) => doc.GetMap(name).ToJson(),
        _ when type == typeof(YXmlFragment) => doc.GetXmlFragment(name).ToJson(),
        _ when type == typeof(YXmlElement) => doc.GetXmlElement(name).ToJson(),
        _ => doc.GetArray(name).ToJson(),
    };
}
