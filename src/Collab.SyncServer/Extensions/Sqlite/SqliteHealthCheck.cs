using Collab.Persistence.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Collab.SyncServer.Extensions.Sqlite;

/// <summary>Readiness: the database file can be opened and its documents table read.</summary>
internal sealed class SqliteHealthCheck(IDocumentStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await store.ListAsync(limit: 1, cancellationToken: cancellationToken);
            return HealthCheckResult.Healthy(store is SqliteDocumentStore sqlite ? sqlite.FilePath : null);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("The SQLite document store cannot be read.", e);
        }
    }
}
