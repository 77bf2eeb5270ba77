using System.CommandLine;
using Collab.Persistence.Storage;

namespace Collab.Persistence.Admin;

/// <summary><c>export &lt;name&gt;|--all [--prefix p] --out &lt;file|dir&gt;</c>: stored documents as Yjs v1 update files.</summary>
internal static class ExportCommand
{
    public static Command Create(AdminVerb verb)
    {
        var name = new Argument<string?>("name") { Description = "The document to export (or --all).", Arity = ArgumentArity.ZeroOrOne };
        var all = new Option<bool>("--all") { Description = "Export every document (with --prefix: those whose name starts with it) into the --out folder, with index.json." };
        var prefix = new Option<string?>("--prefix") { Description = "With --all: only documents whose name starts with this." };
        var output = new Option<string>("--out") { Description = "The file for one document (or a folder to put <key>.yjs in); the folder for --all.", Required = true };
        verb.RefuseOptionLike(name);
        var command = new Command("export", "Write stored documents as Yjs v1 update files (the stored state, byte for byte).") { name, all, prefix, output };
        verb.SetAction(command, async (parse, context) =>
        {
            var isAll = parse.GetValue(all);
            var names = await context.SelectAsync(parse.GetValue(name), isAll, parse.GetValue(prefix), "export");
            var target = Path.GetFullPath(parse.GetValue(output)!);
            if (!isAll)
            {
                var state = await context.LoadExistingAsync(names[0]);
                var file = Directory.Exists(target) ? Path.Combine(target, UpdateFiles.FileName(names[0])) : target;
                await UpdateFiles.WriteAsync(file, state, context.CancellationToken);
                await context.Out.WriteLineAsync($"exported {AdminText.Quote(names[0])} ({AdminText.Bytes(state.Length)}) to {file}");
                return ExitCodes.Ok;
            }

            Directory.CreateDirectory(target);
            var index = new SortedDictionary<string, string>(StringComparer.Ordinal);
            var failures = new List<string>();
            long bytes = 0;
            await context.ForEachAsync("export", names, showProgress: true, async documentName =>
            {
                try
                {
                    if (await context.Store.LoadAsync(documentName, context.CancellationToken) is not { } state)
                    {
                        return; // deleted since the listing
                    }

                    var file = UpdateFiles.FileName(documentName);
                    await UpdateFiles.WriteAsync(Path.Combine(target, file), state, context.CancellationToken);
                    index[file] = documentName;
                    bytes += state.Length;
                }
                catch (DocumentStoreCorruptedException e)
                {
                    failures.Add($"FAILED {AdminText.Quote(documentName)}: {e.Message}");
                }
            });
            await UpdateFiles.WriteIndexAsync(target, index, context.CancellationToken);
            foreach (var failure in failures)
            {
                await context.Out.WriteLineAsync(failure);
            }

            await context.Out.WriteLineAsync(
                $"exported {AdminText.Count(index.Count, "document")} ({AdminText.Bytes(bytes)}) to {target}"
                + (failures.Count > 0 ? $"; {failures.Count} unreadable, not exported" : ""));
            return failures.Count > 0 ? ExitCodes.Failure : ExitCodes.Ok;
        });
        return command;
    }
}
