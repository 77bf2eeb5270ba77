namespace Collab.SyncServer.Extensions.Worker;

/// <summary>
/// Loading documents from the persistence worker (<c>Collab:Persistence</c>): its address (<c>http://persistence</c> under
/// Aspire's service discovery) and the shared key its API requires. With a worker the server stores nothing itself: the
/// worker writes what the Kafka relay carries, and a client's SyncStatus waits for Kafka's acknowledgement.
/// </summary>
public sealed class PersistenceClientOptions
{
    /// <summary>The configuration section (shared with the worker's own options: one <c>ApiKey</c> serves both).</summary>
    public const string SectionName = "Collab:Persistence";

    /// <summary>The worker's base address; empty: no worker (the embedded SQLite store, or other extensions, persist).</summary>
    public string Url { get; set; } = "";

    /// <summary>The key the worker's API requires (sent as <c>Authorization: Bearer …</c>).</summary>
    public string ApiKey { get; set; } = "";
}
