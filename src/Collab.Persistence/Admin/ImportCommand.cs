using System.CommandLine;

namespace Collab.Persistence.Admin;

/// <summary>
/// <c>import &lt;file|dir&gt; [--name n]</c>: Yjs v1 update files merged into the store. Every file is checked before
/// anything is written; merging never loses what the store holds (a merge of what is already there changes nothing).
/// </summary>
internal static class ImportCommand
{
    public static Command Create(AdminVerb verb)
    {
        var path = new Argument<string>("path") { Description = "An update file, or a folder of them (an export: index.json names the documents; else <key>.yjs files)." };
        var name = new Option<string?>("--name") { Description = "The document to merge a single file into (default: from index.json beside it, or from its <key>.yjs name)." };
        verb.RefuseOptionLike(path);
        var command = new Command("import", "Merge Yjs v1 update files into stored documents (created when missing).") { path, name };
        verb.SetAction(command, async (parse, context) =>
        {
            var source = Path.GetFullPath(parse.GetValue(path)!);
            var isFolder = Directory.Exists(source);
            var files = isFolder
                ? await FolderAsync(source, parse.GetValue(name), context.CancellationToken)
                : [await FileAsync(source, parse.GetValue(name), context.CancellationToken)];

            // all files are read and checked before the first merge: a bad file imports nothing
            var updates = new List<(string Name, string File, byte[] Update)>(files.Count);
            foreach (var (documentName, file) in files)
            {
                updates.Add((documentName, file, await UpdateFiles.ReadUpdateAsync(file, context.CancellationToken)));
            }

            long bytes = 0;
            await context.ForEachAsync("import", updates, showProgress: isFolder, async update =>
            {
                await context.Store.MergeAsync(update.Name, update.Update, context.CancellationToken);
                bytes += update.Update.Length;
            });
            if (!isFolder)
            {
                await context.Out.WriteLineAsync($"imported {AdminText.Quote(updates[0].Name)} from {updates[0].File} ({AdminText.Bytes(bytes)})");
            }
            else
            {
                await context.Out.WriteLineAsync($"imported {AdminText.Count(updates.Count, "document")} ({AdminText.Bytes(bytes)}) from {source} into {context.Selection.Description}");
            }

            return ExitCodes.Ok;
        }, createStore: true);
        return command;
    }

    private static async Task<(string Name, string File)> FileAsync(string file, string? name, CancellationToken cancellationToken)
    {
        if (!File.Exists(file))
        {
            throw new AdminException($"{file} does not exist");
        }

        var fileName = Path.GetFileName(file);
        var index = name is null ? await UpdateFiles.ReadIndexAsync(Path.GetDirectoryName(file)!, cancellationToken) : null;
        return (name
            ?? (index is not null && index.TryGetValue(fileName, out var indexed) ? indexed : null)
            ?? UpdateFiles.NameFromFileName(fileName)
            ?? throw AdminException.Usage($"cannot tell which document {fileName} is (not an exported <key>{UpdateFiles.Extension} file): give --name"), file);
    }

    private static async Task<IReadOnlyList<(string Name, string File)>> FolderAsync(string folder, string? name, CancellationToken cancellationToken)
    {
        if (name is not null)
        {
            throw AdminException.Usage("--name goes with a single file, not a folder");
        }

        if (await UpdateFiles.ReadIndexAsync(folder, cancellationToken) is { } index)
        {
            return [.. index.Select(entry =>
                entry.Key != Path.GetFileName(entry.Key) || !File.Exists(Path.Combine(folder, entry.Key))
                    ? throw new AdminException($"{Path.Combine(folder, UpdateFiles.IndexFile)} names {entry.Key}, which is not a file in {folder}")
                    : (entry.Value, Path.Combine(folder, entry.Key)))];
        }

        var files = Directory.GetFiles(folder, "*" + UpdateFiles.Extension).Order(StringComparer.Ordinal).ToList();
        var unnamed = files.Where(f => UpdateFiles.NameFromFileName(Path.GetFileName(f)) is null).Select(Path.GetFileName).ToList();
        if (unnamed.Count > 0)
        {
            throw AdminException.Usage($"{folder} has no {UpdateFiles.IndexFile}, and these files are not named <key>{UpdateFiles.Extension}: {string.Join(", ", unnamed.Take(5))}; "
                + "add an index.json mapping file → document name, or import them one by one with --name");
        }

        return files.Count > 0
            ? [.. files.Select(f => (UpdateFiles.NameFromFileName(Path.GetFileName(f))!, f))]
            : throw new AdminException($"{folder} holds no {UpdateFiles.Extension} files and no {UpdateFiles.IndexFile}");
    }
}
