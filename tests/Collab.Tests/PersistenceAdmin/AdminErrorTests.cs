using Collab.Persistence.Admin;
using Collab.Persistence.Storage;
using Collab.Tests.SyncServer.Extensions;
using Collab.Tests.SyncServer.Extensions.Sqlite;

namespace Collab.Tests.PersistenceAdmin;

/// <summary>How the admin CLI refuses bad input: exit codes and messages, never a stack trace.</summary>
public sealed class AdminErrorTests : IDisposable
{
    private readonly TempFolder _folder = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AGarbageImportFileIsRefusedAndNothingIsImported()
    {
        var garbage = new byte[300];
        new Random(3).NextBytes(garbage);
        garbage[0] = 0x7f;
        await File.WriteAllBytesAsync(_folder.File("garbage.yjs"), garbage, Ct);
        await File.WriteAllBytesAsync(_folder.File("good.yjs"), TextStates.Of("fine"), Ct);

        var import = await AdminCli.RunAsync(_folder.Path, Ct, "import", ".", "--folder", "docs");

        Assert.True(import.ExitCode == 1, import.ToString());
        Assert.Contains("garbage.yjs is not a Yjs v1 update", import.Output, StringComparison.Ordinal);
        Assert.Contains("nothing was imported", import.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", import.Output, StringComparison.Ordinal);
        Assert.Empty(await new FileSystemDocumentStore(_folder.File("docs")).ListAsync(cancellationToken: Ct));
    }

    [Fact]
    public async Task AnUnknownDocumentExitsWith2AndAMissingStoreWith1()
    {
        using (var store = new SqliteDocumentStore(_folder.File("docs.db")))
        {
            await store.StoreAsync("doc", TextStates.Of("x"), Ct);
        }

        var unknown = await AdminCli.RunAsync(_folder.Path, Ct, "show", "nope", "--sqlite", "docs.db");
        var missingStore = await AdminCli.RunAsync(_folder.Path, Ct, "list", "--sqlite", "typo.db");

        Assert.True(unknown.ExitCode == 2, unknown.ToString());
        Assert.Contains("error: no document \"nope\" in the SQLite store", unknown.Output, StringComparison.Ordinal);
        Assert.True(missingStore.ExitCode == 1, missingStore.ToString());
        Assert.Contains("typo.db does not exist", missingStore.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(_folder.File("typo.db")));
    }

    [Fact]
    public async Task AnUnknownVerbOrOptionPrintsTheUsage()
    {
        var verb = await AdminCli.RunAsync(_folder.Path, Ct, "lst");
        var option = await AdminCli.RunAsync(_folder.Path, Ct, "verify", "--everything", "--sqlite", "docs.db");

        Assert.True(verb.ExitCode == 2, verb.ToString());
        Assert.Contains("'lst'", verb.Output, StringComparison.Ordinal);
        Assert.Contains("Usage:", verb.Output, StringComparison.Ordinal);
        Assert.Contains("list", verb.Output, StringComparison.Ordinal);
        Assert.True(option.ExitCode == 2, option.ToString());
        Assert.Contains("--everything", option.Output, StringComparison.Ordinal);
        Assert.Contains("Usage:", option.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "list" }, true)]
    [InlineData(new[] { "lst", "--json" }, true)]
    [InlineData(new[] { "--help" }, true)]
    [InlineData(new string[0], false)]
    [InlineData(new[] { "--urls", "http://127.0.0.1:0" }, false)]
    [InlineData(new[] { "--Collab:Storage:Provider=s3" }, false)]
    [InlineData(new[] { "Collab:Storage:Provider=s3" }, false)]
    [InlineData(new[] { "/urls", "http://127.0.0.1:0" }, false)]
    public void AFirstWordRunsTheCliAndConfigurationStartsTheWorker(string[] args, bool cli) =>
        Assert.Equal(cli, AdminCommandLine.IsCommandLine(args));

    [Fact]
    public void ConfigurationKeysAreTakenOutOfTheVerbsArguments()
    {
        var (command, configuration) = StoreOptions.SplitConfigurationArguments(
            ["list", "--Collab:Storage:Provider", "s3", "--prefix", "a", "--Collab:Storage:S3:Bucket=b", "--json"]);

        Assert.Equal(["list", "--prefix", "a", "--json"], command);
        Assert.Equal(["--Collab:Storage:Provider", "s3", "--Collab:Storage:S3:Bucket=b"], configuration);
    }

    public void Dispose() => _folder.Dispose();
}
