using Collab.Persistence.Storage;
using Collab.Persistence.Worker;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.Hosting;

/// <summary>Registration of the persistence worker.</summary>
public static class PersistenceWorkerRegistration
{
    /// <summary>
    /// Adds the worker: options from <c>Collab:Persistence</c> (brokers from <c>ConnectionStrings:kafka</c> or
    /// <c>KAFKA_BROKERS</c> when not set there), the consumer, the writer, the read path, store events on the relay's
    /// event topic, and a <c>persistence</c> health check. An <see cref="IDocumentStore"/> must be registered too.
    /// </summary>
    /// <exception cref="InvalidOperationException">The options are not usable (the message says why).</exception>
    public static IHostApplicationBuilder AddCollabPersistenceWorker(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Configuration.GetSection(PersistenceWorkerOptions.SectionName).Get<PersistenceWorkerOptions>() ?? new PersistenceWorkerOptions();
        if (string.IsNullOrWhiteSpace(options.BootstrapServers))
        {
            options.BootstrapServers = builder.Configuration.GetConnectionString("kafka") ?? builder.Configuration["KAFKA_BROKERS"] ?? "";
        }

        // the same forms as the relay's: a broker list, librdkafka properties (bootstrap.servers=…;sasl.…) or an Azure
        // Event Hubs connection string; explicitly configured Settings win over the string's
        if (!string.IsNullOrWhiteSpace(options.BootstrapServers))
        {
            try
            {
                var connection = Collab.Relay.Kafka.KafkaConnectionString.Parse(options.BootstrapServers);
                options.BootstrapServers = connection.BootstrapServers;
                connection.AddSettingsTo(options.Settings);
            }
            catch (FormatException error)
            {
                throw new InvalidOperationException($"The persistence worker cannot start: its Kafka brokers (ConnectionStrings:kafka, KAFKA_BROKERS or Collab:Persistence:BootstrapServers) cannot be used: {error.Message}", error);
            }
        }

        if (options.Validate() is { Count: > 0 } errors)
        {
            throw new InvalidOperationException("The persistence worker cannot start: " + string.Join(" ", errors));
        }

        // before any Kafka client is built: the bundled librdkafka, not an operating-system one
        Collab.Relay.Kafka.KafkaNativeLibrary.EnsureLoaded();
        var identity = new WorkerIdentity(options.Identifier.Length > 0 ? options.Identifier : $"{Environment.MachineName}-{Environment.ProcessId}");
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(identity);
        builder.Services.TryAddSingleton<IStoreEvents>(sp => new KafkaStoreEvents(options, identity.Name, sp.GetRequiredService<ILogger<KafkaStoreEvents>>()));
        builder.Services.AddSingleton(sp => new WorkerDocuments(
            sp.GetRequiredService<IDocumentStore>(), options, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IStoreEvents>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger<WorkerDocuments>()));
        builder.Services.AddSingleton<PersistenceWorker>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<PersistenceWorker>());
        builder.Services.AddSingleton<KafkaTailReader>();
        builder.Services.AddSingleton<DocumentReader>();
        builder.Services.AddHealthChecks().AddCheck<PersistenceHealthCheck>("persistence");
        return builder;
    }

    private sealed class PersistenceHealthCheck(PersistenceWorker worker, WorkerDocuments documents) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            var data = new Dictionary<string, object>
            {
                ["partitions"] = string.Join(',', worker.Partitions),
                ["documents"] = documents.Count,
                ["pendingUpdates"] = documents.PendingUpdates,
            };
            var result = !worker.IsAssigned
                ? HealthCheckResult.Degraded("Waiting for the consumer group to assign partitions.", data: data)
                : worker.LastError is { } error
                    ? HealthCheckResult.Degraded($"Kafka: {error}", data: data)
                    : HealthCheckResult.Healthy($"Writing {worker.Partitions.Count} partitions.", data);
            return Task.FromResult(result);
        }
    }
}
