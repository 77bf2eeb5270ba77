using System.Text;
using Collab.SyncServer.Hooks;
using Collab.Yjs;
using Collab.Yjs.Lib0;

namespace Collab.SyncServer.Api;

/// <summary>
/// A document as JSON: one property per root type with that type's JSON (text → string, map → object, array → array,
/// XML fragment → its XML string). Root types that no code on this server has typed yet (they only arrived in updates)
/// are recognised from their content: keys → map, XML nodes → XML fragment, characters that read back as text → text, else array.
/// </summary>
public static class DocumentJson
{
    /// <summary>Renders a server document (its state is captured under the document lock).</summary>
    public static string Render(ICollabDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var (state, types) = document.Read(doc => (doc.EncodeStateAsUpdate(), KnownTypes(doc)));
        return Render(state, types);
    }

    /// <summary>Renders an encoded document state (v1 update).</summary>
    public static string Render(byte[] state, IReadOnlyDictionary<string, Type>? knownTypes = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        var names = Load(state).RootNames.Order(StringComparer.Ordinal).ToList();
        var json = new StringBuilder("{");
        foreach (var name in names)
        {
            if (json.Length > 1)
            {
                json.Append(',');
            }

            var type = knownTypes is not null && knownTypes.TryGetValue(name, out var known) ? known : Guess(state, name);
            var value = ToJson(Load(state), name, type);
            json.Append(JsJson.Stringify(name)).Append(':').Append(value is JsUndefined ? "null" : JsJson.Stringify(value));
        }

        return json.Append('}').ToString();
    }

    private static Dictionary<string, Type> KnownTypes(Doc doc)
    {
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
