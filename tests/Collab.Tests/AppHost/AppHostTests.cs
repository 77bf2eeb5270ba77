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
                var output = await NodeSmoke.RunAsync("provider-smoke.mjs", [WebSocketUri(new Uri(replicaAddresses[i])), $"replica-{i}"], ct);
                Assert.Equal("OK hello from node!", output);
            }

            // The one endpoint in front: every connection lands on some replica, which acknowledges the edit.
            var front = app.GetEndpoint("syncserver", "http");
            Assert.DoesNotContain(front.ToString().TrimEnd('/'), replicaAddresses);
            for (var i = 0; i < 4; i++)
            {
                Assert.Equal("OK edit", await NodeSmoke.RunAsync("provider-edit.mjs", [WebSocketUri(front), $"through-proxy-{i}", "edit"], ct));
            }

            // Each replica keeps its own SQLite folder, named by slot.
            Assert.True(File.Exists(Path.Combine(data.FullName, "syncserver-0", "collab.db")));
            Assert.True(File.Exists(Path.Combine(data.FullName, "syncserver-1", "collab.db")));

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
