using System.Net;
using System.Net.Sockets;
using Collab.Tests.Kafka;
using Collab.Tests.Support;

namespace Collab.Tests.Deployment;

/// <summary>
/// The published services started the way their container images start them (no Docker here): from their own folder,
/// with the base image's <c>ASPNETCORE_HTTP_PORTS</c> and the images' environment, /home/app/data mapped to a temporary
/// folder, and Kafka given as a connection string with librdkafka properties, as a deployment would.
/// </summary>
[Collection(KafkaCollection.Name)]
public sealed class ImageStartTests(KafkaClusterFixture kafka)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);

    [Fact]
    public async Task TheSyncServerServesItsProbesOnTheImagesPortAndKeepsItsFileInTheDataFolder()
    {
        var (data, port, process) = await StartAsync("Collab.SyncServer", new Dictionary<string, string?>
        {
            ["ConnectionStrings__kafka"] = $"bootstrap.servers={kafka.BootstrapServers};socket.keepalive.enable=true",
            ["Collab__Relay__Kafka__CreateTopics"] = "false",
        });
        await using (process)
        {
            await AssertProbesAsync(port, process);
            Assert.True(File.Exists(Path.Combine(data.FullName, "collab.db")), process.Transcript);
        }

        data.Delete(recursive: true);
    }

    [Fact]
    public async Task TheWorkerServesItsProbesOnTheImagesPortAndKeepsItsSqliteFileInTheDataFolder()
    {
        var (data, port, process) = await StartAsync("Collab.Persistence", new Dictionary<string, string?>
        {
            ["ConnectionStrings__kafka"] = $"bootstrap.servers={kafka.BootstrapServers};socket.keepalive.enable=true",
            ["Collab__Persistence__ApiKey"] = "image-start-test-key",
            ["Collab__Persistence__Prefix"] = "image-start",
        });
        await using (process)
        {
            await AssertProbesAsync(port, process);
            Assert.True(File.Exists(Path.Combine(data.FullName, "persistence.db")), process.Transcript);
        }

        data.Delete(recursive: true);
    }

    private static async Task<(DirectoryInfo Data, int Port, ChildProcess Process)> StartAsync(string project, Dictionary<string, string?> environment)
    {
        var image = await ContainerImageConfig.ForAsync(project);
        var data = Directory.CreateTempSubdirectory("collab-image-data-");
        var port = FreePort();
        foreach (var (name, value) in image.Environment)
        {
            environment[name] = value.Replace(Aspire.Hosting.CollabAppModel.ContainerDataDirectory, data.FullName, StringComparison.Ordinal);
        }

        // what mcr.microsoft.com/dotnet/aspnet sets (8080 there); the services' own default URLs give way to it
        environment["ASPNETCORE_HTTP_PORTS"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        environment["ASPNETCORE_URLS"] = null;
        var assembly = RepositoryPaths.BuiltAssembly("src", project);
        var process = ChildProcess.Start("dotnet", [assembly], Path.GetDirectoryName(assembly)!, environment);
        await process.WaitForLineAsync("", Patience, TestContext.Current.CancellationToken,
            line => line.Contains($"Now listening on: http://[::]:{port}", StringComparison.Ordinal));
        return (data, port, process);
    }

    private static async Task AssertProbesAsync(int port, ChildProcess process)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(10) };
        foreach (var path in new[] { Collab.ServiceDefaults.Health.HealthEndpoints.AlivePath, Collab.ServiceDefaults.Health.HealthEndpoints.HealthPath })
        {
            using var response = await http.GetAsync(path, TestContext.Current.CancellationToken);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}\n{process.Transcript}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
