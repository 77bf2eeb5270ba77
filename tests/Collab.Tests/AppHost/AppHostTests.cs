using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Collab.Tests.Kafka;
using Collab.Tests.Support;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Collab.Tests.AppHost;

/// <summary>The Aspire app model of src/Collab.AppHost, started with Aspire.Hosting.Testing (orchestrator, no dashboard).</summary>
[Collection(SerialCollection.Name)]
public sealed class AppHostTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task KafkaPersistenceAndReplicasStartHealthyServeRealProvidersAndLeaveNoProcessBehind()
    {
        var ct = TestContext.Current.CancellationToken;
        var data = Directory.CreateTempSubdirectory("collab-apphost-");
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Collab_AppHost>(
            ["--Replicas", "2", "--DataDirectory", data.FullName], (options, _) => options.DisableDashboard = true, ct);
        var app = await builder.BuildAsync(ct);
        var processes = new List<int>();
        try
        {
            await app.StartAsync(ct).WaitAsync(Patience, ct);
            var notifications = app.Services.GetRequiredService<ResourceNotificationService>();
            foreach (var resource in new[] { "kafka", "persistence", "syncserver" })
            {
                await notifications.WaitForResourceHealthyAsync(resource, ct).WaitAsync(Patience, ct);
            }

            var replicas = await HealthySnapshotsAsync(notifications, "syncserver", 2, ct);
            processes.AddRange(replicas.Select(ProcessId));
            processes.AddRange((await HealthySnapshotsAsync(notifications, "persistence", 1, ct)).Select(ProcessId));
            processes.AddRange((await HealthySnapshotsAsync(notifications, "kafka", 1, ct)).Select(ProcessId));
            processes.AddRange(processes.SelectMany(ProcessTree.Descendants).ToList());

            // Each replica on its own address serves a full round trip: one provider's edit reaches another.
            var replicaAddresses = replicas.Select(r => ProcessTree.Environment(ProcessId(r))["ASPNETCORE_URLS"].Split(';')[0]).ToList();
            Assert.Equal(2, replicaAddresses.Distinct().Count());
            for (var i = 0; i < replicaAddresses.Count; i++)
            {
                var output = (await NodeScript.RunAsync(TimeSpan.FromSeconds(60), "syncserver-smoke/provider-smoke.mjs", WebSocketUri(new Uri(replicaAddresses[i])), $"replica-{i}")).Trim();
                Assert.Equal("OK hello from node!", output);
            }

            // The replicas share documents through the Kafka relay: providers on both converge on every type, and a
            // joiner on the second replica sees what was written on the first before that replica ever loaded it.
            var urls = string.Join(',', replicaAddresses.Select(a => WebSocketUri(new Uri(a))));
            foreach (var @case in new[] { "converge", "late-joiner" })
            {
                var result = await Collab.Tests.SyncServer.E2E.NodeScenario.RunAsync(
                    "../relay/replicas.mjs", new Uri(WebSocketUri(new Uri(replicaAddresses[0]))), TimeSpan.FromSeconds(90), ct, "--urls", urls, "--case", @case);
                Assert.True(result.Ok, result.Transcript);
            }

            // The one endpoint in front: every connection lands on some replica, which acknowledges the edit.
            var front = app.GetEndpoint("syncserver", "http");
            Assert.DoesNotContain(front.ToString().TrimEnd('/'), replicaAddresses);
            for (var i = 0; i < 4; i++)
            {
                Assert.Equal("OK edit", (await NodeScript.RunAsync(TimeSpan.FromSeconds(60), "syncserver-smoke/provider-edit.mjs", WebSocketUri(front), $"through-proxy-{i}", "edit")).Trim());
            }

            // The editor page through the proxy (its provider connects to the host that served it), listed by the dashboard.
            using (var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) })
            {
                Assert.Contains("editor.js", await http.GetStringAsync(new Uri(front, "/editor/"), ct), StringComparison.Ordinal);
                Assert.Contains("\"hocuspocus\":\"../\"", await http.GetStringAsync(new Uri(front, "/editor/config.json"), ct), StringComparison.Ordinal);
            }

            var listed = notifications.TryGetCurrentState("syncserver", out var parent) ? parent.Snapshot.Urls : [];
            Assert.Contains(listed.Concat(replicas.SelectMany(r => r.Urls)), u => u.Url.EndsWith("/editor/", StringComparison.Ordinal));

            // The persistence worker stores what the replicas relayed, in its own SQLite file; the replicas store nothing.
            var stored = Path.Combine(data.FullName, "persistence", "persistence.db");
            var storeDeadline = DateTime.UtcNow + Patience;
            using (var store = new Collab.Persistence.Storage.SqliteDocumentStore(stored))
            {
                while ((await store.ListAsync("through-proxy-", cancellationToken: ct)).Count < 4)
                {
                    Assert.True(DateTime.UtcNow < storeDeadline, "the worker did not store the documents edited through the proxy");
                    await Task.Delay(250, ct);
                }
            }

            Assert.False(Directory.Exists(Path.Combine(data.FullName, "syncserver-0")));

            // Services get the test cluster's address as ConnectionStrings__kafka, and it is a working Kafka.
            var kafka = await app.GetConnectionStringAsync("kafka", ct);
            Assert.False(string.IsNullOrEmpty(kafka));
            Assert.All(replicas, r => Assert.Equal(kafka, ProcessTree.Environment(ProcessId(r))["ConnectionStrings__kafka"]));
            using var producer = KafkaTestClients.Producer(kafka!);
            var delivery = await producer.ProduceAsync("apphost-probe", new Message<string, string> { Key = "k", Value = "v" }, ct).WaitAsync(Patience, ct);
            Assert.Equal(PersistenceStatus.Persisted, delivery.Status);
        }
        finally
        {
            await app.StopAsync(CancellationToken.None).WaitAsync(Patience, CancellationToken.None);
            await app.DisposeAsync();
        }

        Assert.NotEmpty(processes);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (processes.Any(ProcessTree.IsRunning) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200, ct);
        }

        Assert.All(processes, pid => Assert.False(ProcessTree.IsRunning(pid), $"process {pid} outlived the app"));
        data.Delete(recursive: true);
    }

    [Fact]
    public async Task DotnetRunOfTheAppHostBringsUpDashboardAndServicesAndCtrlCLeavesNoProcessBehind()
    {
        var ct = TestContext.Current.CancellationToken;
        // As README says it, from a terminal: `setsid` makes `dotnet run` lead its own process group, which Ctrl+C
        // (SIGINT to the foreground group) reaches as a whole. The solution is built by setup, so no build here.
        await using var run = ChildProcess.Start(
            "setsid", ["dotnet", "run", "--project", "src/Collab.AppHost", "-c", RepositoryPaths.Configuration, "--no-build"], RepositoryPaths.Root);
        await run.WaitForLineAsync("", Patience, ct, line => line.Contains("Distributed application started", StringComparison.Ordinal));
        Assert.Contains("Login to the dashboard at http://localhost:18888/login?t=", run.Transcript, StringComparison.Ordinal);

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var proxyDeadline = DateTime.UtcNow + Patience;
        while (await TryGetAsync(http, "http://localhost:1234/health", ct) != System.Net.HttpStatusCode.OK)
        {
            Assert.True(DateTime.UtcNow < proxyDeadline, "the replicas never answered /health through the proxy on 1234");
            await Task.Delay(500, ct);
        }

        var dashboardDeadline = DateTime.UtcNow + Patience;
        while (await TryGetAsync(http, "http://localhost:18888/", ct) != System.Net.HttpStatusCode.OK)
        {
            Assert.True(DateTime.UtcNow < dashboardDeadline, "the dashboard never answered on 18888");
            await Task.Delay(500, ct);
        }

        var appHost = ProcessTree.Descendants(run.Id).Single(pid => ProcessTree.CommandLine(pid).Contains("Collab.AppHost", StringComparison.Ordinal));

        // every service up and healthy on its own address: three replicas and the worker (their programs start a moment
        // after the proxy answers), the Kafka test cluster and the dashboard
        List<int> processes;
        var started = DateTime.UtcNow + Patience;
        while (true)
        {
            processes = AppProcesses(run.Id, appHost);
            var programs = processes.Select(pid => (Pid: pid, Line: ProcessTree.CommandLine(pid))).ToList();
            var bin = $"bin/{RepositoryPaths.Configuration}/net10.0/";
            var replicas = programs.Where(p => p.Line.StartsWith('/') && p.Line.Contains(bin + "Collab.SyncServer", StringComparison.Ordinal)).ToList();
            var workers = programs.Where(p => p.Line.StartsWith('/') && p.Line.Contains(bin + "Collab.Persistence", StringComparison.Ordinal)).ToList();
            var healthy = 0;
            foreach (var service in replicas.Concat(workers))
            {
                var address = ProcessTree.TryEnvironment(service.Pid)?.GetValueOrDefault("ASPNETCORE_URLS", "").Split(';')[0] ?? "";
                healthy += address.Length > 0 && await TryGetAsync(http, address.TrimEnd('/') + "/health", ct) == System.Net.HttpStatusCode.OK ? 1 : 0;
            }

            if (replicas.Count == 3 && workers.Count == 1 && healthy == 4
                && programs.Count(p => p.Line.Contains("Collab.KafkaTestCluster.dll", StringComparison.Ordinal)) == 1
                && programs.Count(p => p.Line.Contains("Aspire.Dashboard", StringComparison.Ordinal)) == 1)
            {
                break;
            }

            Assert.True(DateTime.UtcNow < started, $"not every service is up and healthy ({healthy} healthy): {string.Join(" | ", programs.Select(p => p.Line))}");
            await Task.Delay(500, ct);
        }

        processes.Add(run.Id);
        Assert.Equal(0, Signal(-run.Id, SigInt));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (processes.Any(ProcessTree.IsRunning) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250, ct);
        }

        Assert.All(processes, pid => Assert.False(ProcessTree.IsRunning(pid), $"{pid} ({ProcessTree.CommandLine(pid)}) outlived Ctrl+C"));
    }

    /// <summary>Everything the app runs: below `dotnet run`, plus the orchestrator, which detaches and watches the AppHost.</summary>
    private static List<int> AppProcesses(int run, int appHost)
    {
        var orchestrators = ProcessTree.All().Where(pid => ProcessTree.CommandLine(pid).Contains($"--monitor {appHost} ", StringComparison.Ordinal)).ToList();
        return [.. ProcessTree.Descendants(run), .. orchestrators, .. orchestrators.SelectMany(ProcessTree.Descendants)];
    }

    private static async Task<System.Net.HttpStatusCode?> TryGetAsync(HttpClient http, string url, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync(new Uri(url), cancellationToken);
            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return null;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // the client's timeout: a service busy starting (the dashboard's first page took over 10 s once under load)
            return null;
        }
    }

    private const int SigInt = 2;

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Signal(int pid, int signal);

    [Fact]
    public async Task TheRedisRelaySwitchRunsRedisServerAndHandsItsAddressToTheReplicas()
    {
        var ct = TestContext.Current.CancellationToken;
        var data = Directory.CreateTempSubdirectory("collab-apphost-");
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Collab_AppHost>(
            ["--Replicas", "1", "--Relay", "redis", "--DataDirectory", data.FullName], (options, _) => options.DisableDashboard = true, ct);
        await using var app = await builder.BuildAsync(ct);
        await app.StartAsync(ct).WaitAsync(Patience, ct);
        var notifications = app.Services.GetRequiredService<ResourceNotificationService>();
        await notifications.WaitForResourceHealthyAsync("redis", ct).WaitAsync(Patience, ct);
        await notifications.WaitForResourceHealthyAsync("syncserver", ct).WaitAsync(Patience, ct);

        var redis = await app.GetConnectionStringAsync("redis", ct);
        var replica = (await HealthySnapshotsAsync(notifications, "syncserver", 1, ct)).Single();
        var environment = ProcessTree.Environment(ProcessId(replica));
        Assert.Equal(redis, environment["ConnectionStrings__redis"]);
        Assert.False(environment.ContainsKey("ConnectionStrings__kafka"), "the Kafka and Redis relays are exclusive");

        var (host, port) = (redis!.Split(':')[0], int.Parse(redis.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture));
        using var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync(host, port, ct);
        await client.GetStream().WriteAsync("PING\r\n"u8.ToArray(), ct);
        var answer = new byte[7];
        var read = await client.GetStream().ReadAsync(answer, ct);
        Assert.Equal("+PONG\r\n", System.Text.Encoding.ASCII.GetString(answer, 0, read));

        await app.StopAsync(ct);
        data.Delete(recursive: true);
    }

    [Fact]
    public async Task ThePlaygroundTopologyRunsSqliteAndS3BackedServersThatShareDocumentsThroughKafka()
    {
        var ct = TestContext.Current.CancellationToken;
        var data = Directory.CreateTempSubdirectory("collab-playground-");
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Collab_AppHost>(
            ["--Topology", "playground", "--DataDirectory", data.FullName], (options, _) => options.DisableDashboard = true, ct);
        var app = await builder.BuildAsync(ct);
        try
        {
            await app.StartAsync(ct).WaitAsync(Patience, ct);
            var notifications = app.Services.GetRequiredService<ResourceNotificationService>();
            foreach (var resource in new[] { "kafka", "s3", "syncserver-sqlite", "syncserver-s3" })
            {
                await notifications.WaitForResourceHealthyAsync(resource, ct).WaitAsync(Patience, ct);
            }

            Assert.False(notifications.TryGetCurrentState("persistence", out _), "the playground has no persistence worker");
            var sqlite = await HealthySnapshotsAsync(notifications, "syncserver-sqlite", 2, ct);
            var s3 = await HealthySnapshotsAsync(notifications, "syncserver-s3", 2, ct);
            string Address(CustomResourceSnapshot replica) => WebSocketUri(new Uri(ProcessTree.Environment(ProcessId(replica))["ASPNETCORE_URLS"].Split(';')[0]));

            // a client on an SQLite-backed server and one on an S3-backed server converge through Kafka
            var urls = string.Join(',', Address(sqlite[0]), Address(s3[0]));
            var result = await Collab.Tests.SyncServer.E2E.NodeScenario.RunAsync(
                "../relay/replicas.mjs", new Uri(Address(sqlite[0])), TimeSpan.FromSeconds(90), ct, "--urls", urls, "--case", "converge");
            Assert.True(result.Ok, result.Transcript);

            // and both stores hold the document
            using var bucket = new Collab.Persistence.Storage.S3DocumentStore(new Collab.Persistence.Storage.S3StorageOptions
            {
                ServiceUrl = app.GetEndpoint("s3", "http").ToString(),
                Bucket = "collab-playground",
                AccessKey = "S3RVER",
                SecretKey = "S3RVER",
            });
            var deadline = DateTime.UtcNow + Patience;
            while (true)
            {
                var inS3 = (await bucket.ListAsync(cancellationToken: ct)).Select(d => d.Name).ToHashSet();
                var inSqlite = new HashSet<string>();
                foreach (var file in Directory.GetFiles(data.FullName, "collab.db", SearchOption.AllDirectories))
                {
                    using var store = new Collab.Persistence.Storage.SqliteDocumentStore(file);
                    inSqlite.UnionWith((await store.ListAsync(cancellationToken: ct)).Select(d => d.Name));
                }

                if (inS3.Overlaps(inSqlite))
                {
                    break;
                }

                Assert.True(DateTime.UtcNow < deadline, $"no document in both stores: S3 [{string.Join(", ", inS3)}], SQLite [{string.Join(", ", inSqlite)}]");
                await Task.Delay(500, ct);
            }
        }
        finally
        {
            await app.StopAsync(CancellationToken.None).WaitAsync(Patience, CancellationToken.None);
            await app.DisposeAsync();
        }

        data.Delete(recursive: true);
    }

    [Theory]
    [InlineData("kafka")]
    [InlineData("redis")]
    public async Task PublishModeWritesADeploymentManifestWithExternalConnectionsAndNoLocalPaths(string relay)
    {
        var ct = TestContext.Current.CancellationToken;
        var output = Directory.CreateTempSubdirectory("collab-manifest-");
        try
        {
            var appHost = RepositoryPaths.BuiltAssembly("src", "Collab.AppHost");
            await using var publish = ChildProcess.Start(
                "dotnet", [appHost, "--operation", "publish", "--step", "publish-manifest", "--output-path", output.FullName, "--Relay", relay],
                Path.GetDirectoryName(appHost)!);
            Assert.True(await publish.WaitForExitAsync(TimeSpan.FromMinutes(2), ct) == 0, publish.Transcript);

            var text = await File.ReadAllTextAsync(Path.Combine(output.FullName, "aspire-manifest.json"), ct);
            using var manifest = JsonDocument.Parse(text);
            var resources = manifest.RootElement.GetProperty("resources");
            var syncserver = resources.GetProperty("syncserver");
            Assert.Equal("project.v0", syncserver.GetProperty("type").GetString());
            var env = syncserver.GetProperty("env");
            if (relay == "kafka")
            {
                // the worker stores; the replicas load through it by service discovery, with a generated secret key
                Assert.Equal("project.v0", resources.GetProperty("persistence").GetProperty("type").GetString());
                Assert.Equal("{persistence.bindings.http.url}", env.GetProperty("services__persistence__http__0").GetString());
                Assert.Equal("http://persistence", env.GetProperty("Collab__Persistence__Url").GetString());
                Assert.Equal("{persistence-key.value}", env.GetProperty("Collab__Persistence__ApiKey").GetString());
                Assert.Equal("{persistence-key.value}", resources.GetProperty("persistence").GetProperty("env").GetProperty("Collab__Persistence__ApiKey").GetString());
                Assert.Equal("{kafka.connectionString}", resources.GetProperty("persistence").GetProperty("env").GetProperty("ConnectionStrings__kafka").GetString());
                Assert.True(resources.GetProperty("persistence-key").GetProperty("inputs").GetProperty("value").GetProperty("secret").GetBoolean());

                // Kafka is whatever broker the deployment names (Event Hubs' Kafka endpoint, any Kafka): a secret parameter.
                Assert.Equal("parameter.v0", resources.GetProperty("kafka").GetProperty("type").GetString());
                Assert.True(resources.GetProperty("kafka").GetProperty("inputs").GetProperty("value").GetProperty("secret").GetBoolean());
                Assert.Equal("{kafka.connectionString}", syncserver.GetProperty("env").GetProperty("ConnectionStrings__kafka").GetString());
            }
            else
            {
                // without Kafka there is no stream for a worker to consume: each replica keeps its own SQLite file
                Assert.False(resources.TryGetProperty("persistence", out _));
                Assert.False(env.TryGetProperty("Collab__Persistence__Url", out _));
                Assert.Equal("container.v0", resources.GetProperty("redis").GetProperty("type").GetString());
                Assert.Equal("{redis.connectionString}", syncserver.GetProperty("env").GetProperty("ConnectionStrings__redis").GetString());
                Assert.False(resources.TryGetProperty("kafka", out _));
            }

            // Nothing of the machine that published it: no local data folders, no test cluster.
            // (Project paths are relative to the manifest.)
            Assert.DoesNotContain('"' + RepositoryPaths.Root, text, StringComparison.Ordinal);
            Assert.DoesNotContain("Collab__Sqlite__Path", text, StringComparison.Ordinal);
            Assert.DoesNotContain("KafkaTestCluster", text, StringComparison.Ordinal);
        }
        finally
        {
            output.Delete(recursive: true);
        }
    }

    private static string WebSocketUri(Uri http) => new UriBuilder(http) { Scheme = "ws" }.Uri.ToString().TrimEnd('/');

    private static int ProcessId(CustomResourceSnapshot snapshot) =>
        Convert.ToInt32(snapshot.Properties.Single(p => p.Name == "executable.pid").Value, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The latest snapshot of each replica of <paramref name="resource"/>, once <paramref name="replicas"/> of them are healthy.</summary>
    private static async Task<List<CustomResourceSnapshot>> HealthySnapshotsAsync(
        ResourceNotificationService notifications, string resource, int replicas, CancellationToken cancellationToken)
    {
        var latest = new Dictionary<string, CustomResourceSnapshot>();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Patience);
        await foreach (var update in notifications.WatchAsync(timeout.Token))
        {
            if (update.Resource.Name == resource)
            {
                latest[update.ResourceId] = update.Snapshot;
                if (latest.Count == replicas && latest.Values.All(s => s.HealthStatus == HealthStatus.Healthy))
                {
                    return [.. latest.Values];
                }
            }
        }

        throw new TimeoutException($"{replicas} healthy replica(s) of {resource}");
    }
}
