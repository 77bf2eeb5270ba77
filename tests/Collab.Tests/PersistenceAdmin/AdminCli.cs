using Collab.Persistence.Storage;
using Collab.Tests.Support;
using Collab.Yjs;

namespace Collab.Tests.PersistenceAdmin;

/// <summary>The output (stdout and stderr, in order) and exit code of one run of the admin CLI.</summary>
internal sealed record AdminRun(int ExitCode, string Output)
{
    public IEnumerable<string> Lines => Output.Split('\n');

    public override string ToString() => $"exit code {ExitCode}:\n{Output}";
}

/// <summary>Runs the built Collab.Persistence executable's admin verbs in a folder, and builds test documents.</summary>
internal static class AdminCli
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public static async Task<AdminRun> RunAsync(string workingDirectory, CancellationToken cancellationToken, params string[] arguments)
    {
        // no storage configuration from the environment of the test run: only what each test passes
        var environment = new Dictionary<string, string?> { ["Collab__Storage__Provider"] = null, ["DOTNET_ENVIRONMENT"] = null };
        await using var process = ChildProcess.Start(
            "dotnet", [RepositoryPaths.BuiltAssembly("src", "Collab.Persistence"), .. arguments], workingDirectory, environment);
        var exitCode = await process.WaitForExitAsync(Timeout, cancellationToken);
        var run = new AdminRun(exitCode, process.Transcript);
        TestContext.Current.TestOutputHelper?.WriteLine($"$ collab {string.Join(' ', arguments)}\n{run}");
        return run;
    }

    /// <summary>A document with a text, a map, an array and an XML fragment.</summary>
    public static byte[] RichState(string text, long clientId = 1)
    {
        var doc = new Doc { ClientId = clientId };
        doc.GetText("text").Insert(0, text);
        doc.GetMap("map").Set("title", text.ToUpperInvariant());
        doc.GetArray("array").Insert(0, new List<object?> { true, 2.5, "three" });
        var element = new YXmlElement("paragraph");
        doc.GetXmlFragment("xml").Insert(0, new List<object?> { element });
        element.Insert(0, new List<object?> { new YXmlText(text) });
        return doc.EncodeStateAsUpdate();
    }

    /// <summary>
    /// The merged updates of a text that had <paramref name="inserted"/> characters typed and all but the last
    /// <paramref name="kept"/> deleted, without garbage collection: what a store holds after merging every edit.
    /// </summary>
    public static byte[] StateWithManyDeletions(int inserted, int kept)
    {
        var doc = new Doc(new DocOptions { Gc = false }) { ClientId = 7 };
        var updates = new List<byte[]>();
        doc.Update += (_, e) => updates.Add(e.Update);
        var text = doc.GetText("t");
        for (var i = 0; i < inserted; i += 10)
        {
            text.Insert(text.Length, "0123456789");
        }

        while (text.Length > kept)
        {
            text.Delete(0, Math.Min(10, text.Length - kept));
        }

        return YUpdates.MergeUpdates(updates);
    }

    public static async Task SeedAsync(IDocumentStore store, IReadOnlyDictionary<string, byte[]> documents, CancellationToken cancellationToken)
    {
        foreach (var (name, state) in documents)
        {
            await store.StoreAsync(name, state, cancellationToken);
        }
    }
}
