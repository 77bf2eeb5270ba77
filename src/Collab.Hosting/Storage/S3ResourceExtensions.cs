using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Aspire.Hosting;

/// <summary>Adds S3 storage: an S3-compatible server for local runs (npm's <c>s3rver</c>, or MinIO), or a named service when published.</summary>
public static class S3ResourceExtensions
{
    /// <summary>The access key of the local server (s3rver accepts this pair).</summary>
    public const string LocalAccessKey = "S3RVER";

    /// <summary>The bucket of a local server (created by the services at start).</summary>
    public const string LocalBucket = "collab";

    private const string MinioUser = "collab";

    /// <summary>
    /// <c>s3rver</c> (installed in tests/js by scripts/setup.sh) under node on a loopback port, its data in
    /// <paramref name="dataDirectory"/>, healthy once it accepts connections. Services reach it through the <c>http</c>
    /// endpoint. Local runs only: a deployment names its S3 service (or MinIO) in configuration.
    /// </summary>
    /// <param name="builder">The app model builder.</param>
    /// <param name="name">The resource name.</param>
    /// <param name="repositoryRoot">The repository root (where tests/js is).</param>
    /// <param name="dataDirectory">The server's data folder.</param>
    /// <returns>The resource.</returns>
    public static IResourceBuilder<IResourceWithEndpoints> AddLocalS3(this IDistributedApplicationBuilder builder, string name, string repositoryRoot, string dataDirectory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        Directory.CreateDirectory(dataDirectory);
        var healthCheck = $"{name}-connect";
        var s3 = builder.AddExecutable(name, "node", Path.Combine(repositoryRoot, "tests", "js"), "storage/s3rver.mjs", dataDirectory)
            .WithHttpEndpoint(name: "http", env: null, isProxied: false);
        var endpoint = s3.GetEndpoint("http");
        s3.WithArgs(context => context.Args.Add(endpoint.Property(EndpointProperty.TargetPort)));
        builder.Services.AddHealthChecks().AddAsyncCheck(healthCheck, cancellationToken => ConnectAsync(endpoint, cancellationToken));
        return s3.WithHealthCheck(healthCheck);
    }

    /// <summary>
    /// The S3 bucket documents are stored in. When run: s3rver where the repository's tests/js has it (above the app host's
    /// folder), else a MinIO container (Docker), both with their data under <paramref name="dataDirectory"/>. When
    /// published: the parameters <c>s3-service-url</c>, <c>s3-bucket</c>, <c>s3-access-key</c> and <c>s3-secret-key</c>
    /// (the keys secret) name an existing service (AWS S3, MinIO, Cloudflare R2…).
    /// </summary>
    /// <param name="builder">The app model builder.</param>
    /// <param name="name">The local server's resource name.</param>
    /// <param name="dataDirectory">The app's data folder (the local server keeps its files in <c>{name}</c> under it).</param>
    /// <param name="publishMinio">When published: a MinIO container named <paramref name="name"/> with the volume
    /// <c>{name}-data</c> and the generated secret parameter <c>{name}-password</c>, instead of the parameters of an existing service.</param>
    /// <returns>Where and how services reach the bucket.</returns>
    public static S3Storage AddS3Storage(this IDistributedApplicationBuilder builder, string name, string dataDirectory, bool publishMinio = false)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.ExecutionContext.IsPublishMode && publishMinio)
        {
            return builder.AddMinio(name, minio => minio.WithVolume($"{name}-data", "/data"));
        }

        if (builder.ExecutionContext.IsPublishMode)
        {
            var url = builder.AddParameter("s3-service-url");
            var bucket = builder.AddParameter("s3-bucket", "collab");
            var accessKey = builder.AddParameter("s3-access-key", secret: true);
            var secretKey = builder.AddParameter("s3-secret-key", secret: true);
            return new S3Storage(null, Expression(url), Expression(bucket), Expression(accessKey), Expression(secretKey), CreateBucket: false);
        }

        var local = Path.Combine(dataDirectory, name);
        if (FindRepositoryRoot(builder.AppHostDirectory) is { } root)
        {
            var s3rver = builder.AddLocalS3(name, root, local);
            var key = ReferenceExpression.Create($"{LocalAccessKey}");
            return new S3Storage(s3rver, ReferenceExpression.Create($"{s3rver.GetEndpoint("http")}"), ReferenceExpression.Create($"{LocalBucket}"), key, key, CreateBucket: true);
        }

        Directory.CreateDirectory(local);
        return builder.AddMinio(name, minio => minio.WithBindMount(local, "/data"));
    }

    /// <summary>MinIO (<c>minio/minio</c>) serving <c>/data</c>, its root password a generated secret parameter.</summary>
    private static S3Storage AddMinio(this IDistributedApplicationBuilder builder, string name, Action<IResourceBuilder<ContainerResource>> data)
    {
        var password = builder.AddParameter($"{name}-password", new GenerateParameterDefault { MinLength = 24, Special = false }, secret: true);
        var minio = builder.AddContainer(name, "minio/minio", "latest")
            .WithArgs("server", "/data")
            .WithHttpEndpoint(targetPort: 9000, name: "http")
            .WithEnvironment("MINIO_ROOT_USER", MinioUser)
            .WithEnvironment("MINIO_ROOT_PASSWORD", password)
            .WithHttpHealthCheck("/minio/health/live");
        data(minio);
        return new S3Storage(minio, ReferenceExpression.Create($"{minio.GetEndpoint("http")}"), ReferenceExpression.Create($"{LocalBucket}"),
            ReferenceExpression.Create($"{MinioUser}"), Expression(password), CreateBucket: true);
    }

    /// <summary>Points a service's document store (Collab:Storage) at the bucket, and makes it wait for a local server.</summary>
    /// <param name="service">The service (SyncServer replicas or the persistence worker).</param>
    /// <param name="storage">The bucket, from <see cref="AddS3Storage"/>.</param>
    /// <returns>The same service.</returns>
    public static IResourceBuilder<ProjectResource> WithS3Storage(this IResourceBuilder<ProjectResource> service, S3Storage storage)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(storage);
        if (storage.Server is { } server)
        {
            service.WaitFor(server);
        }

        return service.WithEnvironment("Collab__Storage__Provider", "s3")
            .WithEnvironment("Collab__Storage__S3__ServiceUrl", storage.ServiceUrl)
            .WithEnvironment("Collab__Storage__S3__Bucket", storage.Bucket)
            .WithEnvironment("Collab__Storage__S3__AccessKey", storage.AccessKey)
            .WithEnvironment("Collab__Storage__S3__SecretKey", storage.SecretKey)
            .WithEnvironment("Collab__Storage__S3__CreateBucket", storage.CreateBucket ? "true" : "false");
    }

    private static ReferenceExpression Expression(IResourceBuilder<ParameterResource> parameter) => ReferenceExpression.Create($"{parameter}");

    /// <summary>The repository's root when the app host runs from it (tests/js has s3rver), else null.</summary>
    private static string? FindRepositoryRoot(string appHostDirectory)
    {
        for (var directory = new DirectoryInfo(appHostDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "tests", "js", "storage", "s3rver.mjs")))
            {
                return directory.FullName;
            }
        }

        return null;
    }

    private static Task<HealthCheckResult> ConnectAsync(EndpointReference endpoint, CancellationToken cancellationToken) =>
        TcpProbe.CheckAsync(endpoint, exchange: null, cancellationToken);
}

/// <summary>How services reach an S3 bucket (<see cref="S3ResourceExtensions.AddS3Storage"/>).</summary>
/// <param name="Server">The local server to wait for, or null for a named service.</param>
/// <param name="ServiceUrl">The service's URL.</param>
/// <param name="Bucket">The bucket.</param>
/// <param name="AccessKey">The access key.</param>
/// <param name="SecretKey">The secret key.</param>
/// <param name="CreateBucket">Whether the services create the bucket when it is missing (local servers start empty).</param>
public sealed record S3Storage(IResourceBuilder<IResource>? Server, ReferenceExpression ServiceUrl, ReferenceExpression Bucket, ReferenceExpression AccessKey, ReferenceExpression SecretKey, bool CreateBucket);
