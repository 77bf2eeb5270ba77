using System.CommandLine;
using System.Runtime.InteropServices;
using Collab.KafkaTestCluster;
using Collab.Relay.Kafka;

var brokers = new Option<int>("--brokers") { Description = "Number of brokers.", DefaultValueFactory = _ => 1 };
var topics = new Option<string[]>("--topic")
{
    Description = "A topic to create, as name or name:partitions (repeatable).",
    AllowMultipleArgumentsPerToken = true,
};
var bootstrapFile = new Option<FileInfo?>("--bootstrap-file") { Description = "Also write the bootstrap address to this file." };

var root = new RootCommand("Runs a Kafka-protocol test cluster (librdkafka's mock cluster) on loopback until stopped.")
{
    brokers, topics, bootstrapFile,
};

root.SetAction(async (parse, cancellationToken) =>
{
    using (var cluster = MockKafkaCluster.Start(parse.GetValue(brokers)))
    {
        foreach (var spec in parse.GetValue(topics) ?? [])
        {
            var parts = spec.Split(':', 2);
            var partitions = parts.Length == 2 ? int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) : 1;
            cluster.CreateTopic(parts[0], partitions);
            Console.WriteLine($"topic {parts[0]} partitions={partitions}");
        }

        if (parse.GetValue(bootstrapFile) is { } file)
        {
            await File.WriteAllTextAsync(file.FullName, cluster.BootstrapServers, CancellationToken.None);
        }

        Console.WriteLine($"librdkafka {KafkaNativeLibrary.EnsureLoaded()} mock cluster with {cluster.BrokerCount} broker(s)");
        // The line tools and the AppHost read: keep its shape stable.
        Console.WriteLine($"bootstrap.servers={cluster.BootstrapServers}");
        Console.Out.Flush();

        // System.CommandLine cancels on Ctrl+C; process managers stop services with SIGTERM.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal =>
        {
            signal.Cancel = true;
            stop.Cancel();
        });
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token);
        }
        catch (OperationCanceledException)
        {
            Console.WriteLine("stopping");
        }
        finally
        {
            // The address is only true while the cluster runs; whoever reads the file must not find a stale one.
            if (parse.GetValue(bootstrapFile) is { } written)
            {
                written.Delete();
            }
        }
    }

    return 0;
});

return await root.Parse(args).InvokeAsync();
