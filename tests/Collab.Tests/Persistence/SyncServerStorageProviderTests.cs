using Collab.Tests.Support;
using Collab.Tests.SyncServer.E2E;

namespace Collab.Tests.Persistence;

/// <summary>
/// The SyncServer's embedded store on another provider (<c>Collab:Storage:Provider</c>): a real provider's edit is
/// acknowledged once stored, survives SIGKILL of the server, and is loaded back by the restarted server.
/// </summary>
public sealed class SyncServerStorageProviderTests(S3rverFixture s3) : IClassFixture<S3rverFixture>
{
    private static async Task EditAcknowledgedSurvivesSigkillAsync(string[] storage, CancellationToken ct)
    {
        var document = $"stored-{Guid.NewGuid():N}";
        var first = await SyncServerProcess.StartAsync(null, ct, storage);
        try
        {
            // the provider's "no unsynced changes": with these stores the acknowledgement follows the store itself
            Assert.Equal("OK first", (await NodeScript.RunAsync(TimeSpan.FromSeconds(60), "syncserver-smoke/provider-edit.mjs", first.Address.ToString(), document, "first")).Trim());
        }
        finally
        {
            await first.KillAsync();
        }

        await using var second = await SyncServerProcess.StartAsync(null, ct, storage);
        Assert.Equal("OK first+second", (await NodeScript.RunAsync(TimeSpan.FromSeconds(60), "syncserver-smoke/provider-edit.mjs", second.Address.ToString(), document, "+second")).Trim());
    }

    [Fact]
    public async Task AServerOnTheFileSystemStoreKeepsAcknowledgedEditsAcrossSigkill()
    {
        using var folder = new TemporaryFolder();
        await EditAcknowledgedSurvivesSigkillAsync(
            ["--Collab:Storage:Provider=filesystem", $"--Collab:Storage:FileSystem:Path={folder.File("documents")}"],
            TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task AServerOnTheS3StoreKeepsAcknowledgedEditsAcrossSigkill()
    {
        await EditAcknowledgedSurvivesSigkillAsync(
            [
                "--Collab:Storage:Provider=s3",
                $"--Collab:Storage:S3:ServiceUrl={s3.ServiceUrl}",
                "--Collab:Storage:S3:Bucket=syncserver-" + Guid.NewGuid().ToString("N")[..16],
                "--Collab:Storage:S3:CreateBucket=true",
                "--Collab:Storage:S3:AccessKey=S3RVER",
                "--Collab:Storage:S3:SecretKey=S3RVER",
            ],
            TestContext.Current.CancellationToken);
    }
}
