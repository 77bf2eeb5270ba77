using System.Text.Json;
using Collab.Persistence.Storage;
using Collab.Tests.Persistence;
using Collab.Tests.SyncServer.Extensions;
using Collab.Yjs;

namespace Collab.Tests.PersistenceAdmin;

/// <summary>The admin CLI on the S3 store (s3rver), chosen with the shortcuts and configuration arguments.</summary>
public sealed class AdminS3Tests(S3rverFixture server) : IClassFixture<S3rverFixture>, IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly string _bucket = "collab-admin-" + Guid.NewGuid().ToString("N")[..12];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string[] S3Arguments(bool create = false) =>
    [
        "--s3", server.ServiceUrl, "--bucket", _bucket, "--key-prefix", "docs/",
        "--Collab:Storage:S3:AccessKey=S3RVER", "--Collab:Storage:S3:SecretKey", "S3RVER",
        $"--Collab:Storage:S3:CreateBucket={create}", "--Collab:Storage:S3:MaxErrorRetry=0",
    ];

    [Fact]
    public async Task AFolderImportsIntoABucketThatListsAndVerifies()
    {
        var exported = Directory.CreateDirectory(_folder.File("exported")).FullName;
        var documents = new Dictionary<string, byte[]>(StringComparer.Ordinal)
        {
            ["a/b"] = AdminCli.RichState("one", clientId: 1),
            ["c"] = AdminCli.RichState("two", clientId: 2),
        };
        foreach (var (name, state) in documents)
        {
            await File.WriteAllBytesAsync(Path.Combine(exported, DocumentKeys.Encode(name) + ".yjs"), state, Ct);
        }

        var import = await AdminCli.RunAsync(_folder.Path, Ct, ["import", "exported", .. S3Arguments(create: true)]);
        var list = await AdminCli.RunAsync(_folder.Path, Ct, ["list", "--json", .. S3Arguments()]);
        var verify = await AdminCli.RunAsync(_folder.Path, Ct, ["verify", "--all", .. S3Arguments()]);

        Assert.True(import.ExitCode == 0, import.ToString());
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Equal(["a/b", "c"], JsonDocument.Parse(list.Output).RootElement.EnumerateArray().Select(d => d.GetProperty("name").GetString()));
        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.Contains("2 ok, 0 failed", verify.Output, StringComparison.Ordinal);
        using var store = new S3DocumentStore(new S3StorageOptions
        {
            ServiceUrl = server.ServiceUrl, Bucket = _bucket, Prefix = "docs/", AccessKey = "S3RVER", SecretKey = "S3RVER",
        });
        Assert.Equal(DocJson.Render(documents["a/b"]), DocJson.Render((await store.LoadAsync("a/b", Ct))!));
    }

    public void Dispose() => _folder.Dispose();
}
