using System.CommandLine;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Collab.Persistence.Admin;

/// <summary><c>list [--prefix p] [--json]</c>: every stored document with its size and last write, through all pages.</summary>
internal static class ListCommand
{
    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Command Create(AdminVerb verb)
    {
        var prefix = new Option<string?>("--prefix") { Description = "Only documents whose name starts with this." };
        var json = new Option<bool>("--json") { Description = "A JSON array of {name, size, updated} (one document a line)." };
        var command = new Command("list", "List stored documents: size in bytes, last write (UTC), name.") { prefix, json };
        verb.SetAction(command, async (parse, context) =>
        {
            var count = 0;
            long bytes = 0;
            var asJson = parse.GetValue(json);
            // the first page is read before anything is written: a store that cannot be reached prints only the error
            await using var documents = context.ListAsync(parse.GetValue(prefix)).GetAsyncEnumerator(context.CancellationToken);
            var more = await documents.MoveNextAsync();
            await context.Out.WriteAsync(asJson ? "[" : $"{"SIZE",12}  {"UPDATED",-20}  NAME");
            for (; more; more = await documents.MoveNextAsync())
            {
                var document = documents.Current;
                // written as the pages come: a store of millions of documents lists without holding them
                var line = asJson
                    ? JsonSerializer.Serialize(new Entry(document.Name, document.Size, document.UpdatedAt), Json)
                    : $"{document.Size.ToString("#,0", CultureInfo.InvariantCulture),12}  {AdminText.Time(document.UpdatedAt),-20}  {Display(document.Name)}";
                await context.Out.WriteAsync((asJson && count > 0 ? ",\n" : "\n") + line);
                count++;
                bytes += document.Size;
            }

            await (asJson
                ? context.Out.WriteLineAsync("\n]")
                : context.Out.WriteLineAsync($"\n{AdminText.Count(count, "document")}, {AdminText.Bytes(bytes)} in {context.Selection.Description}"));
            return ExitCodes.Ok;
        });
        return command;
    }

    // a name is shown as is unless it has characters a terminal would not show (line breaks, controls) or edge spaces
    private static string Display(string name) =>
        name.Length > 0 && !name.Any(char.IsControl) && name.Trim() == name ? name : AdminText.Quote(name);

    private sealed record Entry(
        [property: System.Text.Json.Serialization.JsonPropertyName("name")] string Name,
        [property: System.Text.Json.Serialization.JsonPropertyName("size")] long Size,
        [property: System.Text.Json.Serialization.JsonPropertyName("updated")] DateTimeOffset Updated);
}
