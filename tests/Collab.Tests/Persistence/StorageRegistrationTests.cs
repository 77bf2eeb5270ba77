using Collab.Persistence.Storage;
using Collab.Tests.SyncServer.Extensions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Collab.Tests.Persistence;

public sealed class StorageRegistrationTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private ServiceProvider Build(params (string Key, string Value)[] settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = _folder.Path, DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)));
        builder.AddCollabStorage();
        return builder.Services.BuildServiceProvider();
    }

    [Fact]
    public void SqliteIsTheDefaultInTheDataFolder()
    {
        using var services = Build();

        var store = Assert.IsType<SqliteDocumentStore>(services.GetRequiredService<IDocumentStore>());

        Assert.Equal(Path.Combine(_folder.Path, "data", "collab.db"), store.FilePath);
    }

    [Fact]
    public async Task TheFileSystemProviderIsChosenByConfiguration()
    {
        using var services = Build(("Collab:Storage:Provider", "filesystem"), ("Collab:Storage:FileSystem:Path", "docs"));

        var store = Assert.IsType<FileSystemDocumentStore>(services.GetRequiredService<IDocumentStore>());
        await store.StoreAsync("doc", new byte[] { 0, 0 }, TestContext.Current.CancellationToken);

        Assert.Equal(Path.Combine(_folder.Path, "docs"), store.DirectoryPath);
        Assert.True(File.Exists(store.PathOf("doc")));
    }

    [Fact]
    public void TheS3ProviderWithoutABucketFailsValidationWithAClearMessage()
    {
        using var services = Build(("Collab:Storage:Provider", "S3"), ("Collab:Storage:S3:ServiceUrl", "localhost:9000"), ("Collab:Storage:S3:AccessKey", "key"));

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<StorageOptions>>().Value);

        Assert.Contains("Collab:Storage:S3:Bucket is required", error.Message, StringComparison.Ordinal);
        Assert.Contains("absolute http(s) URL", error.Message, StringComparison.Ordinal);
        Assert.Contains("AccessKey and SecretKey go together", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheS3ProviderIsChosenByConfiguration()
    {
        using var services = Build(
            ("Collab:Storage:Provider", "s3"),
            ("Collab:Storage:S3:ServiceUrl", "http://127.0.0.1:9"),
            ("Collab:Storage:S3:Bucket", "documents"),
            ("Collab:Storage:S3:Prefix", "collab/"));

        var store = Assert.IsType<S3DocumentStore>(services.GetRequiredService<IDocumentStore>());

        Assert.Equal("collab/doc.ydoc", store.KeyOf("doc"));
    }
}
