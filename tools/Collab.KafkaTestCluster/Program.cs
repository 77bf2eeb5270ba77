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
var retention = new Option<double>("--retention")
{
    Description = "Delete records older than this many seconds (0: keep what the mock keeps, up to 5 MiB per partition, whose "
        + "every fetch walks from the oldest record).",
    DefaultValueFactory = _ => 0,
};
var retentionGroups = new Option<string[]>("--retention-group")
{
    Description = "With --retention: keep records until this consumer group has committed past them, e.g. a persistence worker's (repeatable).",
    AllowMultipleArgumentsPerToken = true,
};
retention.Validators.Add(result =>
{
    if (result.GetValueOrDefault<double>() is < 0 or double.NaN)
    {
        result.AddError("--retention must be 0 (off) or a positive number of seconds.");
    }
});

var root = new RootCommand("Runs a Kafka-protocol test cluster (librdkafka's mock cluster) on loopback until stopped.")
{
    brokers, topics, bootstrapFile, retention, retentionGroups,
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

        var keep = parse.GetValue(retention);
        var groups = parse.GetValue(retentionGroups) ?? [];
        await using var trimmer = keep > 0 ? new LogRetention(cluster, TimeSpan.FromSeconds(keep), groups, Console.Out) : null;
        if (trimmer is not null)
        {
            Console.WriteLine(groups.Length == 0
                ? $"retention {keep} s"
                : $"retention {keep} s, and until committed by {string.Join(", ", groups)}");
        }

        // System.CommandLine cancels on Ctrl+C; process managers stop services with SIGTERM. Registered before the
        // address is printed: whoever reads it may stop the cluster at once (the runtime's default ends with 143).
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal =>
        {
            signal.Cancel = true;
            stop.Cancel();
        });

        Console.WriteLine($"librdkafka {KafkaNativeLibrary.EnsureLoaded()} mock cluster with {cluster.BrokerCount} broker(s)");
        // The line tools and the AppHost read: keep its shape stable.
        Console.WriteLine($"bootstrap.servers={cluster.BootstrapServers}");
        Console.Out.Flush();

        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token);
        }
        catch (OperationCanceledException)
        {
            Console.WriteLine(trimmer is null ? "stopping" : $"stopping; retention deleted {trimmer.DeletedRecords} records");
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
