using Collab.Persistence.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.Hosting;

/// <summary>The worker's storage until the provider choice (SQLite, S3, filesystem) lands: an SQLite file.</summary>
public static class WorkerStorageRegistration
{
    /// <summary>Registers an <see cref="IDocumentStore"/> on the SQLite file <c>Collab:Persistence:Sqlite:Path</c> (default <c>data/persistence.db</c>, relative to the content root).</summary>
    public static IHostApplicationBuilder AddCollabWorkerStorage(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var path = Path.Combine(builder.Environment.ContentRootPath, builder.Configuration["Collab:Persistence:Sqlite:Path"] ?? Path.Combine("data", "persistence.db"));
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        builder.Services.TryAddSingleton<IDocumentStore>(sp => new SqliteDocumentStore(path, sp.GetService<TimeProvider>()));
        return builder;
    }
}
