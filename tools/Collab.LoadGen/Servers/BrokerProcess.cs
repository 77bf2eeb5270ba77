using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Collab.LoadGen.Servers;

/// <summary>
/// What the replicas of a multi-replica run share: one <c>redis-server</c> for Hocuspocus' Redis extension, or the
/// Kafka test cluster (librdkafka's mock cluster, one broker) for Collab's relay. Started on a free loopback port,
/// stopped by PID.
/// </summary>
internal sealed class BrokerProcess : IAsyncDisposable
{
    private const string BootstrapPrefix = "bootstrap.servers=";
    private readonly StartedProcess _process;
    private readonly string _folder;

    private BrokerProcess(StartedProcess process, string folder, string name, string address)
    {
        _process = process;
        _folder = folder;
        Name = name;
        Address = address;
    }

    /// <summary>"redis-server" or "Kafka test cluster".</summary>
    public string Name { get; }

    /// <summary>What the replicas are given: <c>127.0.0.1:port</c> of Redis, or the cluster's <c>bootstrap.servers</c>.</summary>
    public string Address { get; }

    public int ProcessId => _process.Id;

    /// <summary>The broker for <paramref name="kind"/>'s replicas.</summary>
    public static Task<BrokerProcess> StartAsync(ServerKind kind, LaunchSettings settings, TextWriter log, CancellationToken cancellationToken) =>
        kind == ServerKind.Collab ? StartKafkaAsync(settings, log, cancellationToken) : StartRedisAsync(settings, log, cancellationToken);

    /// <summary><c>redis-server</c> on a free port, in memory only (no RDB snapshots, no append-only file).</summary>
    public static async Task<BrokerProcess> StartRedisAsync(LaunchSettings settings, TextWriter log, CancellationToken cancellationToken)
    {
        var port = StartedProcess.FreePort();
        var folder = Directory.CreateTempSubdirectory("collab-loadgen-redis-").FullName;
        var info = new ProcessStartInfo("redis-server") { WorkingDirectory = folder };
        foreach (var argument in new[] { "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" })
        {
            info.ArgumentList.Add(argument);
        }

        var broker = await StartAsync(info, folder, "redis-server", () => $"127.0.0.1:{port}", settings.StartTimeout, async (process, token) =>
        {
            while (!await AnswersPingAsync(port, token))
            {
                ThrowIfExited(process);
                await Task.Delay(100, token);
            }
        }, cancellationToken, onLine: null);
        log.WriteLine($"{broker.Name} started: pid {broker.ProcessId}, {broker.Address}");
        return broker;
    }

    /// <summary>
    /// <c>dotnet tools/Collab.KafkaTestCluster/bin/&lt;configuration&gt;/net10.0/Collab.KafkaTestCluster.dll --brokers 1 --topic …</c> (the relay's three topics);
    /// its address is the <c>bootstrap.servers=HOST:PORT</c> line it prints.
    /// </summary>
    /// <param name="settings">Where the cluster's program is.</param>
    /// <param name="log">Where the start is reported.</param>
    /// <param name="cancellationToken">Stops waiting for it.</param>
    /// <param name="updatePartitions">Partitions of the updates topic (the mock broker retains at most 5 MiB per partition).</param>
    public static async Task<BrokerProcess> StartKafkaAsync(LaunchSettings settings, TextWriter log, CancellationToken cancellationToken, int updatePartitions = 1)
    {
        var assembly = settings.KafkaTestClusterPath;
        if (!File.Exists(assembly))
        {
            throw new FileNotFoundException(
                $"{assembly} not found; build it first: dotnet build -c {settings.Configuration} tools/Collab.KafkaTestCluster", assembly);
        }

        var folder = Directory.CreateTempSubdirectory("collab-loadgen-kafka-").FullName;
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = folder };
        info.ArgumentList.Add(assembly);
        info.ArgumentList.Add("--brokers");
        info.ArgumentList.Add("1");
        // the relay's topics (default prefix): the test cluster cannot create topics on request. One partition each: the
        // mock broker keeps up to 5 MiB per partition and finds a fetch offset by walking that log from its start, so
        // its CPU grows with what it retains (on one thread); fewer partitions bound it lower
        foreach (var topic in new[] { $"hocuspocus.updates:{updatePartitions}", "hocuspocus.signals:1", "hocuspocus.events:1" })
        {
            info.ArgumentList.Add("--topic");
            info.ArgumentList.Add(topic);
        }

        // without a retention the mock's CPU per fetch grows with what it holds (up to 5 MiB per partition), which a
        // real broker's does not; records are kept until the persistence worker has committed past them
        if (settings.KafkaRetention > TimeSpan.Zero)
        {
            info.ArgumentList.Add("--retention");
            info.ArgumentList.Add(settings.KafkaRetention.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
            info.ArgumentList.Add("--retention-group");
            info.ArgumentList.Add(LaunchSettings.WorkerGroup);
        }

        var bootstrap = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var broker = await StartAsync(info, folder, "Kafka test cluster", () => bootstrap.Task.Result, settings.StartTimeout, async (process, token) =>
        {
            while (!bootstrap.Task.IsCompleted)
            {
                ThrowIfExited(process);
                await Task.WhenAny(bootstrap.Task, Task.Delay(100, token));
                token.ThrowIfCancellationRequested();
            }
        }, cancellationToken, line =>
        {
            if (line.StartsWith(BootstrapPrefix, StringComparison.Ordinal))
            {
                bootstrap.TrySetResult(line[BootstrapPrefix.Length..].Trim());
            }
        });
        log.WriteLine($"{broker.Name} started: pid {broker.ProcessId}, bootstrap.servers={broker.Address}");
        return broker;
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static async Task<BrokerProcess> StartAsync(
        ProcessStartInfo info,
        string folder,
        string name,
        Func<string> address,
        TimeSpan timeout,
        Func<Process, CancellationToken, Task> waitUntilReady,
        CancellationToken cancellationToken,
        Action<string>? onLine)
    {
        StartedProcess process;
        try
        {
            process = StartedProcess.Start(info, Path.Combine(folder, "broker.log"), onLine);
        }
        catch
        {
            Directory.Delete(folder, recursive: true);
            throw;
        }

        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(timeout);
            try
            {
                await waitUntilReady(process.Process, deadline.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException("not ready");
            }

            return new BrokerProcess(process, folder, name, address());
        }
        catch (Exception error)
        {
            var transcript = process.Transcript();
            await process.DisposeAsync();
            Directory.Delete(folder, recursive: true);
            if (error is OperationCanceledException)
            {
                throw;
            }

            throw new InvalidOperationException($"{name} did not become ready within {timeout.TotalSeconds:0} s ({error.Message}). Output:\n{transcript}", error);
        }
    }

    private static void ThrowIfExited(Process process)
    {
        if (process.HasExited)
        {
            throw new InvalidOperationException($"exited with code {process.ExitCode}");
        }
    }

    private static async Task<bool> AnswersPingAsync(int port, CancellationToken cancellationToken)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", port, cancellationToken);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray(), cancellationToken);
            var buffer = new byte[16];
            var count = await stream.ReadAsync(buffer, cancellationToken);
            return Encoding.ASCII.GetString(buffer, 0, count).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }
}
