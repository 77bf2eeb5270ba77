using Collab.Persistence.Storage;
using Collab.SyncServer.Extensions.Worker;
using Collab.SyncServer.Hooks;
using Collab.SyncServer.Relay;

namespace Microsoft.Extensions.Hosting;

/// <summary>Registration of the persistence worker's client.</summary>
public static class PersistenceClientRegistration
{
    /// <summary>
    /// When <c>Collab:Persistence:Url</c> is set: documents load from the worker, and the embedded SQLite store is off
    /// unless <c>Collab:Sqlite:Enabled</c> (or <c>--sqlite</c>) turns it on explicitly. The worker only sees what the Kafka
    /// relay carries, so a worker without the Kafka relay is a startup error.
    /// </summary>
    /// <exception cref="InvalidOperationException">A worker is configured without the Kafka relay.</exception>
    public static IHostApplicationBuilder AddCollabPersistenceClient(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = builder.Configuration;
        var options = configuration.GetSection(PersistenceClientOptions.SectionName).Get<PersistenceClientOptions>() ?? new PersistenceClientOptions();
        if (string.IsNullOrWhiteSpace(options.Url))
        {
            return builder;
        }

        if (RelayRegistration.ResolveTransport(configuration) != "kafka")
        {
            throw new InvalidOperationException(
                "Collab:Persistence:Url names a persistence worker, which stores what the Kafka relay carries, but the Kafka relay is not configured (set --kafka-brokers, ConnectionStrings:kafka or KAFKA_BROKERS).");
        }

        if (configuration["Collab:Sqlite:Enabled"] is null && configuration["Collab:Persistence:Sqlite"] is null && configuration["sqlite"] is null)
        {
            configuration["Collab:Sqlite:Enabled"] = "false";
        }

        builder.Services.AddOptions<PersistenceClientOptions>().BindConfiguration(PersistenceClientOptions.SectionName);
        builder.Services.AddHttpClient(WorkerDocumentStore.ClientName, client => client.BaseAddress = new Uri(options.Url.TrimEnd('/') + "/"));
        builder.Services.AddSingleton<WorkerDocumentStore>();
        var flag = configuration["Collab:Persistence:Sqlite"] ?? configuration["sqlite"];
        if (string.Equals(configuration["Collab:Sqlite:Enabled"], "false", StringComparison.OrdinalIgnoreCase) || string.Equals(flag, "false", StringComparison.OrdinalIgnoreCase))
        {
            // no store of its own: the operator API and the editor's document list read what the worker stores (read-only)
            builder.Services.AddSingleton<IDocumentStore>(sp => sp.GetRequiredService<WorkerDocumentStore>());
        }
        builder.Services.AddCollabExtension<PersistenceClientExtension>();
        return builder;
    }
}
