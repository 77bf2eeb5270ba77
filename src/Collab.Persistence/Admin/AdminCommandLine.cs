using System.CommandLine;

namespace Collab.Persistence.Admin;

/// <summary>
/// The admin verbs of the persistence executable: <c>dotnet Collab.Persistence.dll list|show|export|import|compact|verify
/// [options]</c>. A first argument that is a word (not <c>--key=value</c> configuration) or a help flag runs the CLI;
/// anything else starts the worker's web host as before.
/// </summary>
public static class AdminCommandLine
{
    /// <summary>Runs the CLI and returns its exit code when <paramref name="args"/> ask for it; null to start the worker.</summary>
    public static async Task<int?> TryRunAsync(string[] args) => IsCommandLine(args) ? await RunAsync(args) : null;

    /// <summary>
    /// True for <c>list …</c>, <c>help</c>, <c>--help</c>, <c>-h</c>, and any other first word: the web host takes only
    /// configuration (<c>--urls=…</c>, <c>--Collab:Storage:Provider s3</c>, <c>key=value</c>), so a bare word is a verb,
    /// known or mistyped (which prints the usage instead of starting the worker).
    /// </summary>
    public static bool IsCommandLine(IReadOnlyList<string> args) =>
        args is [var first, ..]
        && (first is "--help" or "-h" or "-?" or "--version"
            || (first.Length > 0 && first[0] is not ('-' or '/') && !first.Contains('=', StringComparison.Ordinal)));

    public static async Task<int> RunAsync(string[] args)
    {
        var (commandArguments, configurationArguments) = StoreOptions.SplitConfigurationArguments(args);
        if (commandArguments is ["help", .. var rest])
        {
            commandArguments = [.. rest, "--help"];
        }

        var parse = Create(configurationArguments, afterDoubleDash: commandArguments.Contains("--")).Parse(commandArguments);
        if (parse.Errors.Count > 0)
        {
            // the errors and the usage, on stderr
            await parse.InvokeAsync(new InvocationConfiguration { Output = Console.Error, Error = Console.Error });
            return ExitCodes.NotFoundOrUsage;
        }

        return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
    }

    internal static RootCommand Create(string[] configurationArguments, bool afterDoubleDash)
    {
        var store = new StoreOptions();
        var verb = new AdminVerb(store, configurationArguments, afterDoubleDash);
        var root = new RootCommand(
            "Collab persistence worker and admin CLI. Without a command, `dotnet Collab.Persistence.dll` starts the worker. "
            + "The store is Collab:Storage as the worker reads it (appsettings.json in the current folder, Collab__Storage__* "
            + "environment variables, --Collab:Storage:Key=value arguments), or --sqlite, --folder, --s3/--bucket. "
            + "Exit codes: 0 done, 1 failed (store error, unreadable document, refused file), 2 unknown document or usage error.")
        {
            ListCommand.Create(verb),
            ShowCommand.Create(verb),
            ExportCommand.Create(verb),
            ImportCommand.Create(verb),
            CompactCommand.Create(verb),
            VerifyCommand.Create(verb),
        };
        store.AddTo(root);
        return root;
    }
}

/// <summary>Runs a verb's body with its store open, turning failures into one line on stderr and an exit code.</summary>
internal sealed class AdminVerb(StoreOptions store, string[] configurationArguments, bool afterDoubleDash)
{
    /// <summary>
    /// Refuses an argument that looks like an option (System.CommandLine takes an unknown <c>--option</c> as an argument):
    /// a mistyped option must print the usage, not look for a document of that name. A name starting with <c>-</c> goes after <c>--</c>.
    /// </summary>
    public void RefuseOptionLike(Argument argument) =>
        argument.Validators.Add(result =>
        {
            foreach (var token in result.Tokens)
            {
                if (!afterDoubleDash && token.Value.StartsWith('-'))
                {
                    result.AddError($"Unrecognized option '{token.Value}' (a name starting with '-' goes after --).");
                }
            }
        });

    public void SetAction(Command command, Func<ParseResult, AdminContext, Task<int>> body, bool createStore = false) =>
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            try
            {
                using var selection = StoreSelection.Open(configurationArguments, store.Overrides(parse), createStore);
                return await body(parse, new AdminContext(selection, output, error, cancellationToken));
            }
            catch (AdminException e)
            {
                await error.WriteLineAsync($"error: {e.Message}");
                return e.ExitCode;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await error.WriteLineAsync("cancelled");
                return ExitCodes.Cancelled;
            }
#pragma warning disable CA1031 // a store error of any kind (SQLite, S3, I/O) is reported as one line and exit code 1
            catch (Exception e)
#pragma warning restore CA1031
            {
                await error.WriteLineAsync(parse.GetValue(store.Verbose) ? $"error: {e}" : $"error: {Describe(e)}");
                return ExitCodes.Failure;
            }
        });

    private static string Describe(Exception e) =>
        e is AggregateException { InnerExceptions: [var single] } ? Describe(single) : e.Message + " (--verbose for details)";
}
