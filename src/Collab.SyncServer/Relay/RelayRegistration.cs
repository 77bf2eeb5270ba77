using Collab.Relay;
using Collab.Relay.Events;
using Collab.Relay.InProcess;
using Collab.Relay.Kafka;
using Collab.Relay.Redis;
using Collab.SyncServer.Documents;
using Collab.SyncServer.Hooks;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Collab.SyncServer.Relay;

/// <summary>The entry point of the relay feature.</summary>
public static class RelayRegistration
{
    /// <summary>
    /// Registers the relay between replicas when a transport is configured (<see cref="RelayOptions"/>): the bus, the
    /// server extension that publishes and applies documents' changes, the event bus, and the <c>relay</c> health check.
    /// Kafka's brokers come from <c>Collab:Relay:Kafka:BootstrapServers</c>, <c>--kafka-brokers</c>, <c>--kafka-uri</c>,
    /// <c>ConnectionStrings:kafka</c>, <c>KAFKA_BROKERS</c> or <c>HYPHA_KAFKA_URI</c> (first found); Redis from
    /// <c>Collab:Relay:Redis:Configuration</c>, <c>--redis</c> or <c>ConnectionStrings:redis</c>.
    /// </summary>
    /// <exception cref="InvalidOperationException">Both Kafka and Redis are configured, or the chosen transport lacks its address.</exception>
    public static IHostApplicationBuilder AddCollabRelay(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = builder.Configuration;
        var transport = ResolveTransport(configuration);
        if (transport == "none")
        {
            return builder;
        }

        var services = builder.Services;
        services.AddOptions<RelayOptions>()
            .Bind(configuration.GetSection(RelayOptions.SectionName))
            .PostConfigure(o => Complete(o, configuration, transport))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RelayOptions>, RelayOptionsValidator>());
        services.TryAddSingleton<IRelayBus>(sp => CreateBus(sp, sp.GetRequiredService<IOptions<RelayOptions>>().Value));
        services.TryAddSingleton(sp => new RelayEventBus(sp.GetRequiredService<IRelayBus>(), sp.GetService<ILogger<RelayEventBus>>(), sp.GetService<TimeProvider>()));
        services.TryAddSingleton<RelayService>();
        services.AddHostedService(sp => sp.GetRequiredService<RelayService>());
        services.AddCollabExtension<RelayExtension>();
        services.AddHealthChecks().AddCheck<RelayHealthCheck>("relay");
        services.TryAddSingleton<StoreSyncDurability>();
        services.Replace(ServiceDescriptor.Singleton<ISyncDurability>(sp =>
            sp.GetRequiredService<IOptions<RelayOptions>>().Value.EffectiveAcknowledgeAfterRelay
                ? new RelayedSyncDurability(sp.GetRequiredService<StoreSyncDurability>(), sp.GetRequiredService<RelayService>())
                : sp.GetRequiredService<StoreSyncDurability>()));
        return builder;
    }

    /// <summary>Which transport the configuration asks for: kafka, redis, in-process or none.</summary>
    internal static string ResolveTransport(IConfiguration configuration)
    {
        var kafka = KafkaBrokers(configuration) is not null;
        var redis = RedisConfiguration(configuration) is not null;
        var chosen = configuration[$"{RelayOptions.SectionName}:{nameof(RelayOptions.Transport)}"]?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(chosen))
        {
            if (kafka && redis)
            {
                throw new InvalidOperationException(
                    "Both a Kafka relay and a Redis relay are configured; use one (remove the Redis or the Kafka settings, or set Collab:Relay:Transport).");
            }

            return kafka ? "kafka" : redis ? "redis" : "none";
        }

        return chosen switch
        {
            "kafka" or "redis" or "in-process" or "none" => chosen,
            _ => throw new InvalidOperationException($"Collab:Relay:Transport '{chosen}' is unknown; use kafka, redis, in-process or none."),
        };
    }

    internal static string? KafkaBrokers(IConfiguration configuration) => FirstSet(
        configuration[$"{RelayOptions.SectionName}:Kafka:BootstrapServers"],
        configuration.GetConnectionString("kafka"),
        configuration["KAFKA_BROKERS"],
        configuration["HYPHA_KAFKA_URI"]);

    internal static string? RedisConfiguration(IConfiguration configuration) => FirstSet(
        configuration[$"{RelayOptions.SectionName}:Redis:Configuration"],
        configuration.GetConnectionString("redis"));

    private static string? FirstSet(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v))?.Trim();

    private static void Complete(RelayOptions options, IConfiguration configuration, string transport)
    {
        options.Transport = transport;
        if (string.IsNullOrWhiteSpace(options.Identifier))
        {
            options.Identifier = FirstSet(configuration["HYPHA_SERVER_ID"]) ?? $"{Environment.MachineName}-{Guid.NewGuid().ToString("N")[..8]}";
        }

        // a broker list (a kafka:// or PLAINTEXT:// scheme, Hypha's --kafka-uri form, dropped), librdkafka properties
        // (bootstrap.servers=…;security.protocol=SASL_SSL;…) or an Azure Event Hubs connection string; explicitly
        // configured Settings win over the string's
        if (KafkaBrokers(configuration) is { } brokers)
        {
            var connection = ParseKafka(brokers);
            options.Kafka.BootstrapServers = connection.BootstrapServers;
            connection.AddSettingsTo(options.Kafka.Settings);
        }
        else
        {
            options.Kafka.BootstrapServers = "";
        }

        options.Kafka.Prefix = options.Prefix;
        options.Kafka.GroupIdBase = options.GroupIdBase;
        options.Redis.Configuration = RedisConfiguration(configuration) ?? "";
        options.Redis.Prefix = options.Prefix;
    }

    private static KafkaConnectionString ParseKafka(string brokers)
    {
        try
        {
            return KafkaConnectionString.Parse(brokers);
        }
        catch (FormatException error)
        {
            throw new InvalidOperationException($"The Kafka relay's brokers (--kafka-brokers, ConnectionStrings:kafka, KAFKA_BROKERS…) cannot be used: {error.Message}", error);
        }
    }

    internal static IReadOnlyList<string> Problems(RelayOptions options)
    {
        List<string> errors = [];
        if (options.Identifier.Length is 0 or > RelayEnvelope.MaxInstanceBytes)
        {
            errors.Add($"Relay Identifier must be 1–{RelayEnvelope.MaxInstanceBytes} characters.");
        }

        if (options.DisconnectDelay < TimeSpan.Zero || options.LockTimeout < TimeSpan.Zero || options.EffectiveInitialSyncTimeout < TimeSpan.Zero)
        {
            errors.Add("Relay DisconnectDelay, LockTimeout and InitialSyncTimeout must be non-negative.");
        }

        if (options.HeartbeatInterval <= TimeSpan.Zero || options.PeerTimeout <= options.HeartbeatInterval)
        {
            errors.Add("Relay HeartbeatInterval must be positive and PeerTimeout longer than it.");
        }

        if (options.Transport == "kafka")
        {
            errors.AddRange(options.Kafka.Validate());
        }

        if (options.Transport == "redis" && string.IsNullOrWhiteSpace(options.Redis.Configuration))
        {
            errors.Add("Redis relay has no address (set ConnectionStrings:redis, --redis or Collab:Relay:Redis:Configuration).");
        }

        return errors;
    }

    private static IRelayBus CreateBus(IServiceProvider services, RelayOptions options)
    {
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Collab.Relay");
        var time = services.GetService<TimeProvider>() ?? TimeProvider.System;
        return options.Transport switch
        {
            "kafka" => new KafkaRelayBus(options.Identifier, options.Kafka, logger, time),
            "redis" => new RedisRelayBus(options.Identifier, options.Redis, logger, time),
            _ => new InProcessRelayBus(options.Identifier, services.GetService<InProcessRelayHub>(), logger, time),
        };
    }
}

/// <summary>Reports every problem of <see cref="RelayOptions"/> at start, one sentence each.</summary>
internal sealed class RelayOptionsValidator : IValidateOptions<RelayOptions>
{
    public ValidateOptionsResult Validate(string? name, RelayOptions options) =>
        RelayRegistration.Problems(options) is { Count: > 0 } errors ? ValidateOptionsResult.Fail(errors) : ValidateOptionsResult.Success;
}
