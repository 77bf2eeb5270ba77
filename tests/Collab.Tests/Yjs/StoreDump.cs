using System.Globalization;
using Collab.Yjs;
using Collab.Yjs.Lib0;

namespace Collab.Tests.Yjs;

/// <summary>Dumps a document's struct store in the vectors' formats.</summary>
internal static class StoreDump
{
    public static JsObject DeleteSet(Doc doc)
    {
        var o = new JsObject();
        var ds = Collab.Yjs.DeleteSet.FromStore(doc.Store);
        foreach (var (client, items) in ds.Clients)
        {
            o.Set(client.ToString(CultureInfo.InvariantCulture), items.Select(i => (object?)new List<object?> { (double)i.Clock, (double)i.Length }).ToList());
        }

        return o;
    }

    public static JsObject Shape(Doc doc)
    {
        var o = new JsObject();
        foreach (var (client, structs) in doc.Store.Clients)
        {
            o.Set(client.ToString(CultureInfo.InvariantCulture), structs.All().Select(s => (object?)new List<object?>
            {
                (double)s.Clock,
                (double)s.Length,
                Kind(s),
                s.Deleted,
            }).ToList());
        }

        return o;
    }

    private static string Kind(AbstractStruct s) => s switch
    {
        Collab.Yjs.GcStruct => "GC",
        Item i => i.Content switch
        {
            ContentDeleted => "Deleted",
            ContentJson => "JSON",
            ContentBinary => "Binary",
            ContentString => "String",
            ContentEmbed => "Embed",
            ContentFormat => "Format",
            ContentType => "Type",
            ContentAny => "Any",
            ContentDoc => "Doc",
            _ => "?",
        },
        _ => "Skip",
    };
}
