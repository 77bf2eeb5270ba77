using System.CommandLine;
using Collab.Persistence.Storage;
using Collab.Yjs.Lib0;

namespace Collab.Persistence.Admin;

/// <summary>
/// <c>compact &lt;name&gt;|--all [--prefix p] [--dry-run]</c>: each document applied to a document with garbage collection
/// and re-encoded, which drops the content of deleted items; stored when smaller and reading the same.
/// </summary>
internal static class CompactCommand
{
    public static Command Create(AdminVerb verb)
    {
        var name = new Argument<string?>("name") { Description = "The document to compact (or --all).", Arity = ArgumentArity.ZeroOrOne };
        var all = new Option<bool>("--all") { Description = "Compact every document (with --prefix: those whose name starts with it)." };
        var prefix = new Option<string?>("--prefix") { Description = "With --all: only documents whose name starts with this." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Report the sizes, store nothing." };
        verb.RefuseOptionLike(name);
        var command = new Command("compact", "Garbage-collect deleted content of stored documents; reports bytes before and after. "
            + "Run it while no worker writes the documents: a write between its check and its store would be lost.") { name, all, prefix, dryRun };
        verb.SetAction(command, async (parse, context) =>
        {
            var isAll = parse.GetValue(all);
            var store = !parse.GetValue(dryRun);
            var names = await context.SelectAsync(parse.GetValue(name), isAll, parse.GetValue(prefix), "compact");
            var lines = new List<string>();
            var (failed, compacted, before, after) = (0, 0, 0L, 0L);
            await context.ForEachAsync("compact", names, showProgress: isAll, async documentName =>
            {
                try
                {
                    var state = isAll ? await context.Store.LoadAsync(documentName, context.CancellationToken) : await context.LoadExistingAsync(documentName);
                    if (state is null)
                    {
                        return;
                    }

                    var smaller = DocumentChecks.Compact(state);
                    before += state.Length;
                    var label = $"{AdminText.Quote(documentName)}: {AdminText.Bytes(state.Length)}";
                    if (smaller.Length >= state.Length)
                    {
                        after += state.Length;
                        lines.Add($"{label}, already compact");
                        return;
                    }

                    if (!DocumentChecks.SameContent(state, smaller))
                    {
                        throw new InvalidDataException("its compacted state would read differently; left as it is");
                    }

                    if (store)
                    {
                        // a write since the load (a running worker) wins: the document is left for the next run
                        var current = await context.Store.LoadAsync(documentName, context.CancellationToken);
                        if (current is null || !current.AsSpan().SequenceEqual(state))
                        {
                            after += state.Length;
                            lines.Add($"{label}, changed while compacting; left as it is (run compact again)");
                            return;
                        }

                        await context.Store.StoreAsync(documentName, smaller, context.CancellationToken);
                    }

                    compacted++;
                    after += smaller.Length;
                    lines.Add($"{label} → {AdminText.Bytes(smaller.Length)}{(store ? "" : " (dry run, not stored)")}");
                }
                catch (Exception e) when (e is DocumentStoreCorruptedException or YjsDecodingException or InvalidDataException)
                {
                    failed++;
                    lines.Add($"FAILED {AdminText.Quote(documentName)}: {e.Message}");
                }
            });
            foreach (var line in lines)
            {
                await context.Out.WriteLineAsync(line);
            }

            if (isAll)
            {
                await context.Out.WriteLineAsync(
                    $"{(store ? "compacted" : "would compact")} {compacted} of {AdminText.Count(names.Count, "document")}: {AdminText.Bytes(before)} → {AdminText.Bytes(after)}"
                    + (failed > 0 ? $", {failed} failed" : ""));
            }

            return failed > 0 ? ExitCodes.Failure : ExitCodes.Ok;
        });
        return command;
    }
}
