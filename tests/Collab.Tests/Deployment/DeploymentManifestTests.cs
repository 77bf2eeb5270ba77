using System.Text.Json;
using Collab.Tests.Support;

namespace Collab.Tests.Deployment;

/// <summary>
/// The deployment manifest (what <c>azd up</c> reads) of src/Collab.AppHost, written by the built AppHost with
/// <c>--operation publish --step publish-manifest</c> (no Aspire CLI needed), for the default switches and others.
/// </summary>
public sealed class DeploymentManifestTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(50);

    [Fact]
    public async Task TheDefaultAppIsKafkaTheWorkerAndThreeReplicasWiredBySecretParameters()
    {
        using var manifest = await PublishAsync([]);
        var resources = manifest.RootElement.GetProperty("resources");
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["kafka"] = "parameter.v0",
                ["persistence-key"] = "parameter.v0",
                ["persistence"] = "project.v0",
                ["syncserver"] = "project.v0",
            },
            Types(resources));

        // Kafka: whatever the deployment names (Event Hubs' Kafka endpoint with its SASL settings, any Kafka) — a secret
        var kafka = resources.GetProperty("kafka");
        Assert.Equal("{kafka.value}", kafka.GetProperty("connectionString").GetString());
        AssertSecretInput(kafka, generated: false);
        AssertSecretInput(resources.GetProperty("persistence-key"), generated: true);

        var syncserver = resources.GetProperty("syncserver");
        AssertProject(syncserver, "syncserver", "src/Collab.SyncServer/Collab.SyncServer.csproj", replicas: 3);
        var env = Env(syncserver);
        Assert.Equal("{kafka.connectionString}", env["ConnectionStrings__kafka"]);
        Assert.Equal("http://persistence", env["Collab__Persistence__Url"]);
        Assert.Equal("{persistence.bindings.http.url}", env["services__persistence__http__0"]);
        Assert.Equal("{persistence-key.value}", env["Collab__Persistence__ApiKey"]);
        Assert.False(env.ContainsKey("Collab__Auth__Jwt__Secret"));
        Assert.False(env.ContainsKey("Collab__Storage__Provider"));
        // editors reach the replicas from outside
        Assert.True(syncserver.GetProperty("bindings").GetProperty("http").GetProperty("external").GetBoolean());
        Assert.False(syncserver.TryGetProperty("volumes", out _));

        var persistence = resources.GetProperty("persistence");
        AssertProject(persistence, "persistence", "src/Collab.Persistence/Collab.Persistence.csproj", replicas: 1);
        var workerEnv = Env(persistence);
        Assert.Equal("{kafka.connectionString}", workerEnv["ConnectionStrings__kafka"]);
        Assert.Equal("{persistence-key.value}", workerEnv["Collab__Persistence__ApiKey"]);
        // the worker is internal; its SQLite file (under the image's /home/app/data) must outlive the container
        Assert.False(persistence.GetProperty("bindings").GetProperty("http").TryGetProperty("external", out _));
        var volume = Assert.Single(persistence.GetProperty("volumes").EnumerateArray());
        Assert.Equal("persistence-data", volume.GetProperty("name").GetString());
        Assert.Equal("/home/app/data", volume.GetProperty("target").GetString());
    }

    [Fact]
    public async Task RedisS3AndJwtAreAContainerAndParametersWithTheSecretsSecret()
    {
        using var manifest = await PublishAsync(["--Relay", "redis", "--Storage", "s3", "--Auth", "jwt", "--Replicas", "4"]);
        var resources = manifest.RootElement.GetProperty("resources");
        var types = Types(resources);
        Assert.Equal("container.v0", types["redis"]);
        Assert.Equal("project.v0", types["syncserver"]);
        foreach (var parameter in new[] { "jwt-secret", "s3-service-url", "s3-bucket", "s3-access-key", "s3-secret-key", "redis-password" })
        {
            Assert.Equal("parameter.v0", types[parameter]);
        }

        // without Kafka there is no stream for a worker
        Assert.DoesNotContain("kafka", types.Keys);
        Assert.DoesNotContain("persistence", types.Keys);

        AssertSecretInput(resources.GetProperty("jwt-secret"), generated: true);
        AssertSecretInput(resources.GetProperty("redis-password"), generated: true);
        AssertSecretInput(resources.GetProperty("s3-access-key"), generated: false);
        AssertSecretInput(resources.GetProperty("s3-secret-key"), generated: false);
        Assert.False(resources.GetProperty("s3-service-url").GetProperty("inputs").GetProperty("value").TryGetProperty("secret", out var secret) && secret.GetBoolean());
        Assert.Contains("{redis-password.value}", resources.GetProperty("redis").GetProperty("connectionString").GetString(), StringComparison.Ordinal);

        var syncserver = resources.GetProperty("syncserver");
        AssertProject(syncserver, "syncserver", "src/Collab.SyncServer/Collab.SyncServer.csproj", replicas: 4);
        var env = Env(syncserver);
        Assert.Equal("{redis.connectionString}", env["ConnectionStrings__redis"]);
        Assert.Equal("true", env["Collab__Auth__Required"]);
        Assert.Equal("{jwt-secret.value}", env["Collab__Auth__Jwt__Secret"]);
        Assert.Equal("s3", env["Collab__Storage__Provider"]);
        Assert.Equal("{s3-service-url.value}", env["Collab__Storage__S3__ServiceUrl"]);
        Assert.Equal("{s3-bucket.value}", env["Collab__Storage__S3__Bucket"]);
        Assert.Equal("{s3-access-key.value}", env["Collab__Storage__S3__AccessKey"]);
        Assert.Equal("{s3-secret-key.value}", env["Collab__Storage__S3__SecretKey"]);
        Assert.Equal("false", env["Collab__Storage__S3__CreateBucket"]);
        Assert.False(env.ContainsKey("ConnectionStrings__kafka"));
        Assert.False(env.ContainsKey("Collab__Persistence__Url"));
    }

    [Fact]
    public async Task KafkaWithMinioPublishesTheBucketServerWithAVolumeAndAGeneratedPassword()
    {
        using var manifest = await PublishAsync(["--Storage", "s3", "--S3Server", "minio", "--Auth", "jwt", "--Replicas", "5", "--Editor", "false"]);
        var resources = manifest.RootElement.GetProperty("resources");
        var types = Types(resources);
        Assert.Equal(["jwt-secret", "kafka", "persistence", "persistence-key", "s3", "s3-password", "syncserver"], types.Keys.Order(StringComparer.Ordinal));
        var s3 = resources.GetProperty("s3");
        Assert.Equal("container.v0", types["s3"]);
        Assert.StartsWith("minio/minio:", s3.GetProperty("image").GetString(), StringComparison.Ordinal);
        var volume = Assert.Single(s3.GetProperty("volumes").EnumerateArray());
        Assert.Equal("/data", volume.GetProperty("target").GetString());
        Assert.Equal("{s3-password.value}", Env(s3)["MINIO_ROOT_PASSWORD"]);
        AssertSecretInput(resources.GetProperty("s3-password"), generated: true);

        // the worker stores in the bucket (so it needs no volume of its own); the replicas load through the worker
        var persistence = resources.GetProperty("persistence");
        var workerEnv = Env(persistence);
        Assert.Equal("{s3.bindings.http.url}", workerEnv["Collab__Storage__S3__ServiceUrl"]);
        Assert.Equal("{s3-password.value}", workerEnv["Collab__Storage__S3__SecretKey"]);
        Assert.Equal("true", workerEnv["Collab__Storage__S3__CreateBucket"]);
        Assert.False(persistence.TryGetProperty("volumes", out _));
        AssertProject(persistence, "persistence", "src/Collab.Persistence/Collab.Persistence.csproj", replicas: 1);

        var syncserver = resources.GetProperty("syncserver");
        AssertProject(syncserver, "syncserver", "src/Collab.SyncServer/Collab.SyncServer.csproj", replicas: 5);
        Assert.Equal("false", Env(syncserver)["Collab__Editor__Enabled"]);
        Assert.False(Env(syncserver).ContainsKey("Collab__Storage__Provider"));
    }

    [Fact]
    public async Task AzdsOwnCommandWritesTheSameManifest()
    {
        // what azd runs in the AppHost's folder (dotnet run --project … --publisher manifest --output-path …, with node
        // reuse off and Aspire's CLI run hook suppressed), here without the build the test run already did
        var output = Directory.CreateTempSubdirectory("collab-manifest-");
        try
        {
            var project = Path.Combine(RepositoryPaths.Root, "src", "Collab.AppHost", "Collab.AppHost.csproj");
            var file = Path.Combine(output.FullName, "apphost-manifest.json");
            await using (var azd = ChildProcess.Start("dotnet",
                ["run", "--project", project, "-c", RepositoryPaths.Configuration, "--no-build", "--publisher", "manifest", "--output-path", file],
                Path.GetDirectoryName(project)!,
                new Dictionary<string, string?> { ["MSBUILDDISABLENODEREUSE"] = "1", ["ASPIRE_SUPPRESS_CLI_RUN_HOOK"] = "true" }))
            {
                Assert.True(await azd.WaitForExitAsync(Patience, TestContext.Current.CancellationToken) == 0, azd.Transcript);
            }

            var viaAzd = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken))!["resources"]!;
            using var published = await PublishAsync([]);
            var viaStep = System.Text.Json.Nodes.JsonNode.Parse(published.RootElement.GetProperty("resources").GetRawText())!;
            foreach (var resource in viaAzd.AsObject().Concat(viaStep.AsObject()).Select(r => r.Value).OfType<System.Text.Json.Nodes.JsonObject>())
            {
                resource.Remove("path");
            }

            Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(viaAzd, viaStep), $"{viaAzd}\n---\n{viaStep}");
            Assert.Equal(3, viaAzd["syncserver"]!["replicas"]!.GetValue<int>());
        }
        finally
        {
            output.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task AMinioServerWithoutS3StorageIsRefusedWithTheReason()
    {
        var output = Directory.CreateTempSubdirectory("collab-manifest-");
        try
        {
            var (exitCode, transcript) = await RunAppHostAsync(output.FullName, ["--S3Server", "minio"]);
            Assert.NotEqual(0, exitCode);
            Assert.Contains("S3Server chooses the S3 service of Storage s3", transcript, StringComparison.Ordinal);
            Assert.False(File.Exists(Path.Combine(output.FullName, "aspire-manifest.json")));
        }
        finally
        {
            output.Delete(recursive: true);
        }
    }

    /// <summary>Writes the manifest with the given switches and reads it; the manifest names nothing of this machine.</summary>
    internal static async Task<JsonDocument> PublishAsync(string[] switches)
    {
        var output = Directory.CreateTempSubdirectory("collab-manifest-");
        try
        {
            var (exitCode, transcript) = await RunAppHostAsync(output.FullName, switches);
            Assert.True(exitCode == 0, transcript);
            var path = Path.Combine(output.FullName, "aspire-manifest.json");
            var text = await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken);
            Assert.DoesNotContain('"' + RepositoryPaths.Root, text, StringComparison.Ordinal);
            Assert.DoesNotContain("KafkaTestCluster", text, StringComparison.Ordinal);
            var manifest = JsonDocument.Parse(text);

            // project paths are relative to the manifest: resolve them where it was written
            foreach (var resource in manifest.RootElement.GetProperty("resources").EnumerateObject())
            {
                if (resource.Value.GetProperty("type").GetString() == "project.v0")
                {
                    var project = Path.GetFullPath(resource.Value.GetProperty("path").GetString()!, output.FullName);
                    Assert.True(File.Exists(project), $"{resource.Name}: {project}");
                }
            }

            return manifest;
        }
        finally
        {
            output.Delete(recursive: true);
        }
    }

    private static async Task<(int ExitCode, string Transcript)> RunAppHostAsync(string output, string[] switches)
    {
        var appHost = RepositoryPaths.BuiltAssembly("src", "Collab.AppHost");
        await using var publish = ChildProcess.Start(
            "dotnet", [appHost, "--operation", "publish", "--step", "publish-manifest", "--output-path", output, .. switches], Path.GetDirectoryName(appHost)!);
        var exitCode = await publish.WaitForExitAsync(Patience, TestContext.Current.CancellationToken);
        return (exitCode, publish.Transcript);
    }

    private static Dictionary<string, string> Types(JsonElement resources) =>
        resources.EnumerateObject().ToDictionary(r => r.Name, r => r.Value.GetProperty("type").GetString()!);

    private static Dictionary<string, string> Env(JsonElement resource) =>
        resource.GetProperty("env").EnumerateObject().ToDictionary(e => e.Name, e => e.Value.GetString()!);

    private static void AssertSecretInput(JsonElement parameter, bool generated)
    {
        var input = parameter.GetProperty("inputs").GetProperty("value");
        Assert.True(input.GetProperty("secret").GetBoolean());
        Assert.Equal(generated, input.TryGetProperty("default", out var value) && value.TryGetProperty("generate", out _));
    }

    /// <summary>A project entry: its path, its replicas, the probes on endpoints its service maps, the variables it reads.</summary>
    private static void AssertProject(JsonElement project, string service, string path, int replicas)
    {
        Assert.EndsWith(path, project.GetProperty("path").GetString()!.Replace('\\', '/'), StringComparison.Ordinal);
        Assert.Equal(replicas, project.GetProperty("replicas").GetInt32());
        var probes = project.GetProperty("probes").EnumerateArray()
            .ToDictionary(p => p.GetProperty("type").GetString()!, p => (Path: p.GetProperty("path").GetString(), Endpoint: p.GetProperty("endpoint").GetString()));
        Assert.Equal((Collab.ServiceDefaults.Health.HealthEndpoints.HealthPath, "http"), probes["readiness"]);
        Assert.Equal((Collab.ServiceDefaults.Health.HealthEndpoints.AlivePath, "http"), probes["liveness"]);
        Assert.True(project.GetProperty("bindings").TryGetProperty("http", out _));
        foreach (var variable in Env(project).Keys)
        {
            Assert.Null(ServiceConfiguration.Problem(service, variable));
        }
    }
}
