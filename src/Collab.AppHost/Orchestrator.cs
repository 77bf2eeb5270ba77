using System.Net;
using System.Net.Sockets;
using Collab.AppHost.Resources;

namespace Collab.AppHost;

/// <summary>
/// Plays Aspire's AppHost role with Aspire's conventions: lower-case resource names (<c>kafka</c>, <c>persistence</c>,
/// <c>syncserver</c>), configuration through environment variables (<c>ConnectionStrings__kafka</c>,
/// <c>services__persistence__http__0</c>, <c>OTEL_SERVICE_NAME</c>), start gated on each dependency's health,
/// one endpoint over the replicas, state changes shown as they happen, and a clean stop in reverse order.
/// </summary>
internal sealed class Orchestrator(AppHostOptions options, RepositoryLayout layout, TextWriter output)
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(20);
    private readonly List<Resource> _resources = [];
    private readonly HttpClient _probe = new() { Timeout = TimeSpan.FromSeconds(2) };
    private readonly Lock _console = new();

    public async Task<int> RunAsync(CancellationToken stop)
    {
        try
        {
            var shared = new Dictionary<string, string>();
            if (options.Kafka)
            {
                shared["ConnectionStrings__kafka"] = await StartKafkaAsync(stop);
            }

            var persistence = StartProject("persistence", "Collab.Persistence", shared);
            await WaitHealthyAsync([persistence], stop);

            if (options.Replicas > 1)
            {
                // Until the relay lands, replicas do not exchange updates: clients on different replicas do not see
                // each other's edits. Each gets its own SQLite file so that they can at least never overwrite each other.
                Say("warning: SyncServer replicas do not share edits yet (the Kafka relay is not built); use --replicas 1 for real work");
            }

            var replicaEnvironment = new Dictionary<string, string>(shared) { ["services__persistence__http__0"] = persistence.Endpoint!.ToString() };
            var replicas = Enumerable.Range(0, options.Replicas)
                .Select(i => StartProject($"syncserver-{i}", "Collab.SyncServer", new Dictionary<string, string>(replicaEnvironment)
                {
                    ["Collab__Sqlite__Path"] = Path.Combine(layout.DataDirectory, $"syncserver-{i}.db"),
                }, "syncserver"))
                .ToList();
            await WaitHealthyAsync(replicas, stop);

            await using var balancer = new TcpLoadBalancer(new IPEndPoint(IPAddress.Loopback, options.Port), replicas);
            balancer.Start();
            PrintTable(balancer.Endpoint);
            // The line scripts and tests wait for: keep its shape stable.
            Say($"ready: syncserver at http://{balancer.Endpoint} ({options.Replicas} replica(s)); Ctrl+C stops");

            await MonitorAsync(stop);
            return 0;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return 0;
        }
        catch (Exception error) when (error is TimeoutException or InvalidOperationException or FileNotFoundException)
        {
            Say("error: " + error.Message);
            return 1;
        }
        finally
        {
            Say("stopping");
            for (var i = _resources.Count - 1; i >= 0; i--)
            {
                await _resources[i].StopAsync(StopGrace);
            }

            Say("stopped");
        }
    }

    private async Task<string> StartKafkaAsync(CancellationToken stop)
    {
        var bootstrap = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var kafka = Track(new Resource("kafka", layout.Assembly("tools", "Collab.KafkaTestCluster"), ["--brokers", "1"], new Dictionary<string, string>()));
        kafka.OutputLine += (_, line) =>
        {
            if (line.StartsWith("bootstrap.servers=", StringComparison.Ordinal))
            {
                bootstrap.TrySetResult(line["bootstrap.servers=".Length..]);
            }
        };
        kafka.Start();
        var address = await bootstrap.Task.WaitAsync(StartTimeout, stop);
        kafka.SetState(ResourceState.Healthy);
        return address;
    }

    private Resource StartProject(string name, string project, Dictionary<string, string> environment, string? serviceName = null)
    {
        var port = FreePort();
        var endpoint = new Uri($"http://127.0.0.1:{port}");
        var env = new Dictionary<string, string>(environment)
        {
            ["ASPNETCORE_URLS"] = endpoint.ToString(),
            ["ASPNETCORE_ENVIRONMENT"] = Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") ?? "Development",
            ["OTEL_SERVICE_NAME"] = serviceName ?? name,
            ["OTEL_RESOURCE_ATTRIBUTES"] = $"service.instance.id={name}",
        };
        var resource = Track(new Resource(name, layout.Assembly("src", project), [], env) { Endpoint = endpoint });
        resource.Start();
        return resource;
    }

    private Resource Track(Resource resource)
    {
        resource.StateChanged += r => Say($"{r.Name}: {r.State}");
        if (options.ShowServiceOutput)
        {
            resource.OutputLine += (r, line) => Say($"[{r.Name}] {line}");
        }

        _resources.Add(resource);
        return resource;
    }

    private async Task WaitHealthyAsync(IReadOnlyList<Resource> resources, CancellationToken stop)
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        while (resources.Any(r => r.State != ResourceState.Healthy))
        {
            if (resources.FirstOrDefault(r => r.HasExited) is { } dead)
            {
                throw new InvalidOperationException($"{dead.Name} exited while starting (run with --show-output to see why).");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{string.Join(", ", resources.Where(r => r.State != ResourceState.Healthy).Select(r => r.Name))} not healthy within {StartTimeout.TotalSeconds} s.");
            }

            await ProbeAsync(resources, stop);
            await Task.Delay(TimeSpan.FromMilliseconds(250), stop);
        }
    }

    private async Task MonitorAsync(CancellationToken stop)
    {
        var projects = _resources.Where(r => r.Endpoint is not null).ToList();
        while (!stop.IsCancellationRequested)
        {
            await Task.Delay(TimeSpan.FromSeconds(2), stop);
            await ProbeAsync(projects, stop);
        }
    }

    private async Task ProbeAsync(IEnumerable<Resource> resources, CancellationToken stop)
    {
        foreach (var resource in resources.Where(r => r.Endpoint is not null && !r.HasExited))
        {
            try
            {
                using var response = await _probe.GetAsync(new Uri(resource.Endpoint!, "/health"), stop);
                resource.SetState(response.IsSuccessStatusCode ? ResourceState.Healthy : ResourceState.Unhealthy);
            }
            catch (HttpRequestException)
            {
                // Not listening yet (while starting) or gone (then the process exit sets the state).
            }
            catch (TaskCanceledException) when (!stop.IsCancellationRequested)
            {
                resource.SetState(ResourceState.Unhealthy);
            }
        }
    }

    private void PrintTable(IPEndPoint front)
    {
        Say($"{"resource",-14} {"state",-10} {"pid",-8} endpoint");
        foreach (var r in _resources)
        {
            Say($"{r.Name,-14} {r.State,-10} {r.ProcessId,-8} {r.Endpoint}");
        }

        Say($"{"syncserver",-14} {"(lb)",-10} {"",-8} http://{front}/");
    }

    private void Say(string line)
    {
        lock (_console)
        {
            output.WriteLine($"{DateTime.Now:HH:mm:ss} {line}");
            output.Flush();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
