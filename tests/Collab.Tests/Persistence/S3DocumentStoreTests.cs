using Amazon.S3;
using Amazon.S3.Model;
using Collab.Persistence.Storage;
using Collab.Tests.Support;
using Collab.Tests.SyncServer.Extensions.Sqlite;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Collab.Tests.Persistence;

/// <summary>The shared store behaviours on <see cref="S3DocumentStore"/> against a real S3-compatible server (s3rver), and its failures.</summary>
public sealed class S3DocumentStoreTests(S3rverFixture server) : DocumentStoreContractTests, IClassFixture<S3rverFixture>
{
    // one bucket per test: tests share the server, never data
    private readonly string _bucket = "collab-" + Guid.NewGuid().ToString("N")[..16];

    private S3StorageOptions Options(int? port = null, string? bucket = null, bool createBucket = true) => new()
    {
        ServiceUrl = port is { } p ? $"http://127.0.0.1:{p}" : server.ServiceUrl,
        Bucket = bucket ?? _bucket,
        Prefix = "docs/",
        AccessKey = "S3RVER",
        SecretKey = "S3RVER",
        CreateBucket = createBucket,
        MaxErrorRetry = 0,
        Timeout = TimeSpan.FromSeconds(30),
    };

    protected override Task<IDocumentStore> CreateStoreAsync() => Task.FromResult<IDocumentStore>(new S3DocumentStore(Options()));

    protected override async Task CorruptAsync(IDocumentStore store, string documentName) =>
        await PutRawAsync(((S3DocumentStore)store).KeyOf(documentName), body => body[^20] ^= 0x40);

    [Fact]
    public async Task ATruncatedObjectIsReportedAsCorrupt()
    {
        var store = (S3DocumentStore)await OpenAsync();
        await store.StoreAsync("doc", TextStates.Of("hello"), Ct);
        await PutRawAsync(store.KeyOf("doc"), truncate: true);

        var error = await Assert.ThrowsAsync<DocumentStoreCorruptedException>(() => store.LoadAsync("doc", Ct));

        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryWriteIsReadBackWholeByTheReadAfterIt()
    {
        // read-after-write, as S3 guarantees: the stand-in once answered a PUT before its file was written
        var store = await OpenAsync();
        for (var i = 1; i <= 60; i++)
        {
            var text = new string((char)('a' + (i % 26)), (i * 7919) % 150_000);
            await store.StoreAsync("doc", TextStates.Of(text, clientId: i), Ct);

            Assert.Equal(text, TextStates.Read((await store.LoadAsync("doc", Ct))!));
        }
    }

    [Fact]
    public async Task AMissingBucketIsAClearErrorNamingIt()
    {
        using var store = new S3DocumentStore(Options(bucket: "collab-missing-bucket", createBucket: false));

        var error = await Assert.ThrowsAsync<DocumentStoreException>(() => store.StoreAsync("doc", TextStates.Of("x"), Ct));

        TestContext.Current.TestOutputHelper?.WriteLine(error.Message);
        Assert.Contains("collab-missing-bucket", error.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AServerThatIsDownGivesClearErrorsAndTheStateSurvivesItsReturn()
    {
        await using var own = new S3rverFixture();
        await own.StartAsync();
        using var store = new S3DocumentStore(Options(own.Port));
        await store.StoreAsync("doc", TextStates.Of("before"), Ct);
        await own.StopAsync();

        var storeError = await Assert.ThrowsAsync<DocumentStoreException>(() => store.StoreAsync("doc", TextStates.Of("after", clientId: 2), Ct));
        var loadError = await Assert.ThrowsAsync<DocumentStoreException>(() => store.LoadAsync("doc", Ct));
        await Assert.ThrowsAsync<DocumentStoreException>(() => store.ListAsync(cancellationToken: Ct));

        TestContext.Current.TestOutputHelper?.WriteLine(storeError.Message);
        Assert.Contains($"s3://{_bucket}/docs/doc.ydoc", storeError.Message, StringComparison.Ordinal);
        Assert.Contains("unchanged", storeError.Message, StringComparison.Ordinal);
        Assert.Contains(_bucket, loadError.Message, StringComparison.Ordinal);
        await own.StartAsync();
        Assert.Equal("before", TextStates.Read((await store.LoadAsync("doc", Ct))!));
    }

    [Fact]
    public async Task AnErrorAnswerOfTheServiceIsReportedWithWhatItSaid()
    {
        await using var failing = await LoopbackApp.StartAsync(_ => { }, app => app.Run(async context =>
        {
            context.Response.StatusCode = 503;
            context.Response.ContentType = "application/xml";
            await context.Response.WriteAsync("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>");
        }), cancellationToken: Ct);
        using var store = new S3DocumentStore(Options(failing.Address.Port, createBucket: false));

        var storeError = await Assert.ThrowsAsync<DocumentStoreException>(() => store.StoreAsync("doc", TextStates.Of("x"), Ct));
        var loadError = await Assert.ThrowsAsync<DocumentStoreException>(() => store.LoadAsync("doc", Ct));

        TestContext.Current.TestOutputHelper?.WriteLine(storeError.Message);
        Assert.Contains($"s3://{_bucket}/docs/doc.ydoc", storeError.Message, StringComparison.Ordinal);
        Assert.Contains("503 SlowDown: Please reduce your request rate.", storeError.Message, StringComparison.Ordinal);
        Assert.Contains("503", loadError.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMalformedAnswerOfTheServiceIsAClearError()
    {
        // a 200 whose ETag is no MD5: the SDK's own check throws an ArgumentException, which must not escape as one
        await using var malformed = await LoopbackApp.StartAsync(_ => { }, app => app.Run(async context =>
        {
            context.Response.Headers.ETag = "\"abc\"";
            context.Response.ContentType = "application/octet-stream";
            await context.Response.Body.WriteAsync(new byte[64]);
        }), cancellationToken: Ct);
        using var store = new S3DocumentStore(Options(malformed.Address.Port, createBucket: false));

        var error = await Assert.ThrowsAsync<DocumentStoreException>(() => store.LoadAsync("doc", Ct));

        TestContext.Current.TestOutputHelper?.WriteLine(error.Message);
        Assert.Contains($"s3://{_bucket}/docs/doc.ydoc", error.Message, StringComparison.Ordinal);
        Assert.Contains("could not read", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADocumentUnderAnotherNamesHashedKeyIsNeitherServedNorOverwritten()
    {
        var store = (S3DocumentStore)await OpenAsync();
        var owner = new string('o', 300);
        var other = new string('o', 299) + "x";
        await store.StoreAsync(owner, TextStates.Of("owner's"), Ct);
        await PutRawAsync(store.KeyOf(owner), to: store.KeyOf(other));

        var load = await Assert.ThrowsAsync<DocumentStoreException>(() => store.LoadAsync(other, Ct));
        await Assert.ThrowsAsync<DocumentStoreException>(() => store.StoreAsync(other, TextStates.Of("other's"), Ct));
        await Assert.ThrowsAsync<DocumentStoreException>(() => store.DeleteAsync(other, Ct));

        Assert.Contains("collision", load.Message, StringComparison.Ordinal);
        Assert.Equal("owner's", TextStates.Read((await store.LoadAsync(owner, Ct))!));
        Assert.Equal([owner], (await store.ListAsync(cancellationToken: Ct)).Select(d => d.Name));
    }

    private async Task PutRawAsync(string key, Action<byte[]>? change = null, bool truncate = false, string? to = null)
    {
        var options = Options();
        using var client = new AmazonS3Client(new Amazon.Runtime.BasicAWSCredentials("S3RVER", "S3RVER"), new AmazonS3Config
        {
            ServiceURL = options.ServiceUrl,
            ForcePathStyle = true,
            AuthenticationRegion = options.Region,
            RequestChecksumCalculation = Amazon.Runtime.RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = Amazon.Runtime.ResponseChecksumValidation.WHEN_REQUIRED,
        });
        using var get = await client.GetObjectAsync(_bucket, key, Ct);
        using var buffer = new MemoryStream();
        await get.ResponseStream.CopyToAsync(buffer, Ct);
        var body = buffer.ToArray();
        change?.Invoke(body);
        if (truncate)
        {
            body = body[..^1];
        }

        await client.PutObjectAsync(new PutObjectRequest { BucketName = _bucket, Key = to ?? key, InputStream = new MemoryStream(body), UseChunkEncoding = false }, Ct);
    }
}
