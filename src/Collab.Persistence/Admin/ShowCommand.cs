using System.CommandLine;
using Collab.Yjs;
using Collab.Yjs.Lib0;

namespace Collab.Persistence.Admin;

/// <summary><c>show &lt;name&gt; [--format json|text|update-base64]</c>: a stored document's content.</summary>
internal static class ShowCommand
{
    public static Command Create(AdminVerb verb)
    {
        var name = new Argument<string>("name") { Description = "The document name." };
        var format = new Option<string>("--format")
        {
            Description = "json: one property per root type (text and XML as strings, maps as objects, arrays as lists), as the SyncServer's API renders it; "
                + "text: each root under a header; update-base64: the stored Yjs v1 update in base64.",
            DefaultValueFactory = _ => "json",
        };
        format.AcceptOnlyFromAmong("json", "text", "update-base64");
        verb.RefuseOptionLike(name);
        var command = new Command("show", "Print a stored document's content.") { name, format };
        verb.SetAction(command, async (parse, context) =>
        {
            var documentName = parse.GetValue(name)!;
            var state = await context.LoadExistingAsync(documentName);
            var text = parse.GetValue(format) switch
            {
                "update-base64" => Convert.ToBase64String(state),
                "text" => Text(Decode(documentName, () => DocJson.Roots(state))),
                _ => Decode(documentName, () => DocJson.Render(state)),
            };
            await context.Out.WriteLineAsync(text);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static T Decode<T>(string name, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (YjsDecodingException e)
        {
            throw new AdminException($"document {AdminText.Quote(name)} is stored intact but is not a valid Yjs update: {e.Message}");
        }
    }

    private static string Text(IReadOnlyList<DocJsonRoot> roots)
    {
        if (roots.Count == 0)
        {
            return "(empty document)";
        }

        var text = new System.Text.StringBuilder();
        foreach (var root in roots)
        {
            var kind = root.Type == typeof(YText) ? "text" : root.Type == typeof(YMap) ? "map" : root.Type == typeof(YArray) ? "array" : "xml";
            text.Append("== ").Append(AdminText.Quote(root.Name)).Append(" (").Append(kind).AppendLine(")");
            text.AppendLine(root.Value is string s ? s : JsJson.Stringify(root.Value is JsUndefined ? null : root.Value));
        }

        return text.ToString().TrimEnd('\n');
    }
}
