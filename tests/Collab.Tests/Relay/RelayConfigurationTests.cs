using Collab.Relay.Kafka;
using Collab.SyncServer.Hosting;
using Collab.SyncServer.Relay;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Collab.Tests.Relay;

/// <summary>How the relay's transport and options come from configuration, flags and the seeds' environment variables.</summary>
public sealed class RelayConfigurationTests
{
    private static IConfiguration Configuration(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    private static RelayOptions Options(string[] args, params (string Key, string Value)[] values)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Configuration.AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)));
        builder.Configuration.AddInMemoryCollection(SyncServerCommandLine.Parse(args));
        builder.AddCollabRelay();
        using var services = builder.Services.BuildServiceProvider();
        return services.GetRequiredService<IOptions<RelayOptions>>().Value;
    }

    [Fact]
    public void WithoutBrokersOrRedisThereIsNoRelay() =>
        Assert.Equal("none", RelayRegistration.ResolveTransport(Configuration()));

    [Theory]
    [InlineData("ConnectionStrings:kafka")]
    [InlineData("KAFKA_BROKERS")]
    [InlineData("HYPHA_KAFKA_URI")]
    [InlineData("Collab:Relay:Kafka:BootstrapServers")]
    public void AnyKafkaAddressTurnsTheKafkaRelayOn(string key) =>
        Assert.Equal("kafka", RelayRegistration.ResolveTransport(Configuration((key, "broker:9092"))));

    [Fact]
    public void ARedisAddressTurnsTheRedisRelayOn() =>
        Assert.Equal("redis", RelayRegistration.ResolveTransport(Configuration(("ConnectionStrings:redis", "localhost:6379"))));

    [Fact]
    public void KafkaAndRedisTogetherIsAClearStartupError()
    {
        var error = Assert.Throws<InvalidOperationException>(() => RelayRegistration.ResolveTransport(
            Configuration(("KAFKA_BROKERS", "broker:9092"), ("ConnectionStrings:redis", "localhost:6379"))));
        Assert.Contains("Kafka relay and a Redis relay", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnknownTransportIsRefused() =>
        Assert.Throws<InvalidOperationException>(() => RelayRegistration.ResolveTransport(Configuration(("Collab:Relay:Transport", "carrier-pigeon"))));

    [Fact]
    public void TheSeedsFlagsMapOntoTheRelayOptions()
    {
        var options = Options(["--kafka-brokers", "a:9092,b:9092", "--kafka-prefix", "myapp", "--kafka-group", "mygroup", "--kafka-id", "pod-7",
            "--kafka-disconnect-delay", "2500", "--kafka-lock-timeout", "300"]);
        Assert.Equal("kafka", options.Transport);
        Assert.Equal("a:9092,b:9092", options.Kafka.BootstrapServers);
        Assert.Equal("myapp", options.Kafka.Prefix);
        Assert.Equal("myapp.updates", options.Kafka.UpdatesTopic);
        Assert.Equal("mygroup-pod-7", options.Kafka.GroupId("pod-7"));
        Assert.Equal("pod-7", options.Identifier);
        Assert.Equal(TimeSpan.FromMilliseconds(2500), options.DisconnectDelay);
        Assert.Equal(TimeSpan.FromMilliseconds(300), options.EffectiveInitialSyncTimeout);
    }

    [Fact]
    public void HyphasUriAndServerIdAreAccepted()
    {
        var options = Options([], ("HYPHA_KAFKA_URI", "kafka://broker-1:9092"), ("HYPHA_SERVER_ID", "hypha-3"));
        Assert.Equal("broker-1:9092", options.Kafka.BootstrapServers);
        Assert.Equal("hypha-3", options.Identifier);
        Assert.Equal("broker-2:9092", Options(["--kafka-uri", "broker-2:9092"]).Kafka.BootstrapServers);
    }

    [Fact]
    public void LibrdkafkaPropertiesPassThroughConfiguration()
    {
        var options = Options([], ("KAFKA_BROKERS", "broker:9092"),
            ("Collab:Relay:Kafka:Settings:security.protocol", "SASL_SSL"),
            ("Collab:Relay:Kafka:ProducerSettings:compression.type", "zstd"),
            ("Collab:Relay:Kafka:ConsumerSettings:broker.version.fallback", "0.10.2"));
        Assert.Equal("SASL_SSL", options.Kafka.Settings["security.protocol"]);
        Assert.Equal("zstd", options.Kafka.ProducerSettings["compression.type"]);
        Assert.Equal("0.10.2", options.Kafka.ConsumerSettings["broker.version.fallback"]);
    }

    [Fact]
    public void SavedWaitsForTheRelayOnKafkaOnlyUnlessConfigured()
    {
        Assert.True(Options([], ("KAFKA_BROKERS", "b:9092")).EffectiveAcknowledgeAfterRelay);
        Assert.False(Options([], ("ConnectionStrings:redis", "localhost:6379")).EffectiveAcknowledgeAfterRelay);
        Assert.False(Options([], ("KAFKA_BROKERS", "b:9092"), ("Collab:Relay:AcknowledgeAfterRelay", "false")).EffectiveAcknowledgeAfterRelay);
    }

    [Fact]
    public void WithoutAnIdentifierEachInstanceGetsAUniqueOne() =>
        Assert.NotEqual(Options([], ("KAFKA_BROKERS", "b:9092")).Identifier, Options([], ("KAFKA_BROKERS", "b:9092")).Identifier);

    [Fact]
    public void InvalidSettingsAreReportedEachInOneSentence()
    {
        var options = new RelayOptions { Transport = "kafka", Identifier = "", HeartbeatInterval = TimeSpan.Zero, Kafka = new KafkaRelayOptions { Prefix = "bad prefix", Partitions = 0 } };
        var problems = RelayRegistration.Problems(options);
        Assert.Contains(problems, p => p.Contains("Identifier", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("HeartbeatInterval", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("BootstrapServers is empty", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("Prefix 'bad prefix'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("Partitions", StringComparison.Ordinal));
    }
}
