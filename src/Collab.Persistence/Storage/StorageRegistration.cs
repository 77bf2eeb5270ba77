using Collab.Persistence.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

/// <summary>Registration of the document store chosen by configuration.</summary>
public static class StorageRegistration
{
    /// <summary>
    /// Registers the <see cref="IDocumentStore"/> chosen by <c>Collab:Storage:Provider</c> (<c>sqlite</c>, the default;
    /// <c>s3</c>; <c>filesystem</c>) with its settings from <c>Collab:Storage:{Sqlite|S3|FileSystem}</c>, validated on
    /// start, and a <c>storage</c> health check. The store is created on first use; an <see cref="IDocumentStore"/>
    /// registered before is kept.
    /// </summary>
    public static IHostApplicationBuilder AddCollabStorage(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.SectionName).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>());
        builder.Services.TryAddSingleton(TimeProvider.System);
        var contentRoot = builder.Environment.ContentRootPath;
        builder.Services.TryAddSingleton(sp => CreateDocumentStore(
            sp.GetRequiredService<IOptions<StorageOptions>>().Value, contentRoot, sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddHealthChecks().AddCheck<DocumentStoreHealthCheck>("storage");
        return builder;
    }

    /// <summary>The store <paramref name="options"/> describe; relative paths are resolved against <paramref name="contentRoot"/>.</summary>
    public static IDocumentStore CreateDocumentStore(StorageOptions options, string contentRoot, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Provider switch
        {
            StorageProvider.Sqlite => new SqliteDocumentStore(Path.Combine(contentRoot, options.Sqlite.Path), timeProvider, options.Sqlite.SynchronousFull),
            StorageProvider.FileSystem => new FileSystemDocumentStore(Path.Combine(contentRoot, options.FileSystem.Path), timeProvider, options.FileSystem.Durable),
            StorageProvider.S3 => new S3DocumentStore(options.S3, timeProvider),
            _ => throw new InvalidOperationException($"Unknown storage provider {options.Provider}."),
        };
    }
}

/// <summary>Healthy when the store answers a one-entry listing.</summary>
internal sealed class DocumentStoreHealthCheck(IDocumentStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await store.ListAsync(limit: 1, cancellationToken: cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is IOException or DocumentStoreCorruptedException or InvalidOperationException or UnauthorizedAccessException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, e.Message, e);
        }
    }
}
