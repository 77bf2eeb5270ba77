using Collab.Relay.Kafka;
using Collab.SyncServer.Relay;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Collab.Tests.Deployment;

/// <summary>
/// The Kafka connection string a deployment hands the services (ConnectionStrings__kafka): a broker list, librdkafka
/// properties for SASL/TLS brokers, or an Azure Event Hubs connection string.
/// </summary>
public sealed class KafkaConnectionStringTests
{
    private const string EventHubs = "Endpoint=sb://collab-ns.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=abc+def/ghi=";

    [Theory]
    [InlineData("broker:9092", "broker:9092")]
    [InlineData(" a:9092 , b:9092 ", "a:9092,b:9092")]
    [InlineData("kafka://a:9092,PLAINTEXT://b:9092", "a:9092,b:9092")]
    public void APlainBrokerListIsTheBootstrapServersWithNoSettings(string value, string brokers)
    {
        var parsed = KafkaConnectionString.Parse(value);
        Assert.Equal(brokers, parsed.BootstrapServers);
        Assert.Empty(parsed.Settings);
    }

    [Fact]
    public void LibrdkafkaPropertiesCarrySaslSettings()
    {
        var parsed = KafkaConnectionString.Parse(
            "bootstrap.servers=a:9093,b:9093; security.protocol=SASL_SSL;sasl.mechanism=PLAIN;sasl.username=$ConnectionString;sasl.password=s3cr=t;");
        Assert.Equal("a:9093,b:9093", parsed.BootstrapServers);
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["security.protocol"] = "SASL_SSL",
                ["sasl.mechanism"] = "PLAIN",
                ["sasl.username"] = "$ConnectionString",
                ["sasl.password"] = "s3cr=t",
            },
            parsed.Settings);
    }

    [Fact]
    public void AQuotedValueMayHoldSemicolonsAndItsQuoteDoubled()
    {
        var parsed = KafkaConnectionString.Parse($"bootstrap.servers=ns.servicebus.windows.net:9093;sasl.password=\"{EventHubs}\";sasl.username='it''s'");
        Assert.Equal(EventHubs, parsed.Settings["sasl.password"]);
        Assert.Equal("it's", parsed.Settings["sasl.username"]);
    }

    [Fact]
    public void AnEventHubsConnectionStringBecomesItsKafkaEndpointWithSasl()
    {
        var parsed = KafkaConnectionString.Parse(EventHubs);
        Assert.Equal("collab-ns.servicebus.windows.net:9093", parsed.BootstrapServers);
        Assert.Equal("SASL_SSL", parsed.Settings["security.protocol"]);
        Assert.Equal("PLAIN", parsed.Settings["sasl.mechanism"]);
        Assert.Equal("$ConnectionString", parsed.Settings["sasl.username"]);
        Assert.Equal(EventHubs, parsed.Settings["sasl.password"]);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("security.protocol=SASL_SSL;sasl.mechanism=PLAIN", "no 'bootstrap.servers'")]
    [InlineData("bootstrap.servers=a:9092;sasl.password=\"unterminated", "never closed")]
    [InlineData("bootstrap.servers=a:9092;bootstrap.servers=b:9092", "twice")]
    [InlineData("bootstrap.servers=a:9092;oops;sasl.mechanism=PLAIN", "part 2 ('oops') is not key=value")]
    [InlineData("bootstrap.servers=a:9092;=PLAIN", "no key")]
    [InlineData("bootstrap.servers=a:9092;sasl.password=\"x\"y", "after its closing quote")]
    [InlineData("bootstrap.servers=a 9092", "malformed broker address")]
    [InlineData("Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=k", "lacks SharedAccessKeyName or SharedAccessKey")]
    [InlineData(",,", "names no broker")]
    public void AMalformedStringIsAClearError(string value, string message)
    {
        var error = Assert.Throws<FormatException>(() => KafkaConnectionString.Parse(value));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheErrorNeverEchoesAQuotedSecret()
    {
        var error = Assert.Throws<FormatException>(() => KafkaConnectionString.Parse("sasl.password=\"top-secret\";sasl.mechanism=PLAIN"));
        Assert.DoesNotContain("top-secret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheRelayTakesTheStringsSettingsAndExplicitSettingsWin()
    {
        var options = RelayOptions(
            ("ConnectionStrings:kafka", "bootstrap.servers=a:9093;security.protocol=SASL_SSL;sasl.mechanism=PLAIN;sasl.username=u;sasl.password=p"),
            ("Collab:Relay:Kafka:Settings:sasl.mechanism", "SCRAM-SHA-512"));
        Assert.Equal("kafka", options.Transport);
        Assert.Equal("a:9093", options.Kafka.BootstrapServers);
        Assert.Equal("SASL_SSL", options.Kafka.Settings["security.protocol"]);
        Assert.Equal("SCRAM-SHA-512", options.Kafka.Settings["sasl.mechanism"]);
        Assert.Equal("p", options.Kafka.Settings["sasl.password"]);
    }

    [Fact]
    public void TheRelayRefusesAMalformedStringAtStartWithItsSource()
    {
        var error = Assert.Throws<InvalidOperationException>(() => RelayOptions(("ConnectionStrings:kafka", "security.protocol=SASL_SSL")));
        Assert.Contains("ConnectionStrings:kafka", error.Message, StringComparison.Ordinal);
        Assert.Contains("bootstrap.servers", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheWorkerRefusesAMalformedStringAtStart()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection([
            new("ConnectionStrings:kafka", "bootstrap.servers=a:9093;sasl.password='open"),
            new("Collab:Persistence:ApiKey", "key"),
        ]);
        var error = Assert.Throws<InvalidOperationException>(() => builder.AddCollabPersistenceWorker());
        Assert.Contains("persistence worker cannot start", error.Message, StringComparison.Ordinal);
        Assert.Contains("never closed", error.Message, StringComparison.Ordinal);
    }

    private static Collab.SyncServer.Relay.RelayOptions RelayOptions(params (string Key, string Value)[] values)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Configuration.AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)));
        builder.AddCollabRelay();
        using var services = builder.Services.BuildServiceProvider();
        return services.GetRequiredService<IOptions<Collab.SyncServer.Relay.RelayOptions>>().Value;
    }
}
