using System.CommandLine;
using Collab.Persistence.Storage;

namespace Collab.Persistence.Admin;

/// <summary>
/// <c>verify &lt;name&gt;|--all [--prefix p]</c>: every document loads intact (its checksums), decodes as a Yjs update,
/// applies without missing dependencies and re-encodes. Exit code 1 when any fails.
/// </summary>
internal static class VerifyCommand
{
    public static Command Create(AdminVerb verb)
    {
        var name = new Argument<string?>("name") { Description = "The document to verify (or --all).", Arity = ArgumentArity.ZeroOrOne };
        var all = new Option<bool>("--all") { Description = "Verify every document (with --prefix: those whose name starts with it)." };
        var prefix = new Option<string?>("--prefix") { Description = "With --all: only documents whose name starts with this." };
        verb.RefuseOptionLike(name);
        var command = new Command("verify", "Check that stored documents load, decode as Yjs updates and re-encode; exit code 1 if any does not.") { name, all, prefix };
        verb.SetAction(command, async (parse, context) =>
        {
            var isAll = parse.GetValue(all);
            var names = await context.SelectAsync(parse.GetValue(name), isAll, parse.GetValue(prefix), "verify");
            var failures = new List<string>();
            var verified = 0;
            long bytes = 0;
            await context.ForEachAsync("verify", names, showProgress: isAll, async documentName =>
            {
                string? problem;
                try
                {
                    byte[]? state = isAll ? await context.Store.LoadAsync(documentName, context.CancellationToken) : await context.LoadExistingAsync(documentName);
                    if (state is null)
                    {
                        return; // deleted since the listing
                    }

                    bytes += state.Length;
                    problem = DocumentChecks.Problem(state);
                }
                catch (DocumentStoreCorruptedException e)
                {
                    problem = e.Message;
                }

                verified++;
                if (problem is not null)
                {
                    failures.Add($"FAILED {AdminText.Quote(documentName)}: {problem}");
                }
            });
            foreach (var failure in failures)
            {
                await context.Out.WriteLineAsync(failure);
            }

            await context.Out.WriteLineAsync(isAll || failures.Count > 0
                ? $"verified {AdminText.Count(verified, "document")}: {verified - failures.Count} ok, {failures.Count} failed"
                : $"ok {AdminText.Quote(names[0])} ({AdminText.Bytes(bytes)})");
            return failures.Count > 0 ? ExitCodes.Failure : ExitCodes.Ok;
        });
        return command;
    }
}
