using Collab.Persistence.Storage;
using Collab.SyncServer.Extensions.Sqlite;
using Collab.SyncServer.Hooks;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

/// <summary>Registration of the embedded SQLite persistence.</summary>
public static class SqliteRegistration
{
    /// <summary>
    /// Adds the embedded persistence unless <c>Collab:Sqlite:Enabled</c> is false: an <see cref="IDocumentStore"/> on the
    /// SQLite file <c>Collab:Sqlite:Path</c> (or the value of the <c>--sqlite</c> flag) with its update log — or, with
    /// <c>Collab:Storage:Provider</c> <c>s3</c> or <c>filesystem</c>, that store — and the extension that loads and stores documents.
    /// </summary>
    public static IHostApplicationBuilder AddCollabSqlite(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ApplySqliteFlag(builder.Configuration);
        builder.Services.AddOptions<SqliteOptions>().BindConfiguration(SqliteOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        var options = builder.Configuration.GetSection(SqliteOptions.SectionName).Get<SqliteOptions>() ?? new SqliteOptions();
        if (!options.Enabled)
        {
            return builder;
        }

        // Collab:Storage:Provider = s3 or filesystem: the embedded store is that provider (Collab.Persistence's stores, with
        // their Collab:Storage settings) instead of the SQLite file; such stores have no update log, so SyncStatus waits
        // for the debounced store of the full state there
        var provider = builder.Configuration[$"{StorageOptions.SectionName}:{nameof(StorageOptions.Provider)}"];
        if (provider is { Length: > 0 } && !string.Equals(provider, nameof(StorageProvider.Sqlite), StringComparison.OrdinalIgnoreCase))
        {
            builder.AddCollabStorage();
            builder.Services.AddCollabExtension<SqliteExtension>();
            return builder;
        }

        var contentRoot = builder.Environment.ContentRootPath;
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton(sp => DatabaseFile.Resolve(Path.Combine(contentRoot, sp.GetRequiredService<IOptions<SqliteOptions>>().Value.Path)));
        builder.Services.TryAddSingleton<IDocumentStore>(sp => new SqliteDocumentStore(
            sp.GetRequiredService<DatabaseFile>().Path,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<SqliteOptions>>().Value.SynchronousFull));
        builder.Services.TryAddSingleton(sp => (IUpdateLog)sp.GetRequiredService<IDocumentStore>());
        builder.Services.AddCollabExtension<SqliteExtension>();
        builder.Services.AddHealthChecks().AddCheck<SqliteHealthCheck>("sqlite");
        return builder;
    }

    /// <summary>The database file in use; with a <c>{slot}</c> in the configured path, the slot this process holds.</summary>
    internal sealed class DatabaseFile(string path, SqliteSlot? slot) : IDisposable
    {
        public string Path { get; } = path;

        public static DatabaseFile Resolve(string configured) =>
            SqliteSlot.IsTemplate(configured) && SqliteSlot.Claim(configured) is var slot ? new(slot.Path, slot) : new(configured, null);

        public void Dispose() => slot?.Dispose();
    }

    // "--sqlite [file]" arrives as Collab:Persistence:Sqlite (the sync server's flag parser; "" without a file) or, from
    // the standard command-line provider, as "sqlite"; an empty value or "true" means the default file.
    private static void ApplySqliteFlag(IConfigurationManager configuration)
    {
        var flag = configuration["Collab:Persistence:Sqlite"] ?? configuration["sqlite"];
        if (flag is null)
        {
            return;
        }

        if (string.Equals(flag, "false", StringComparison.OrdinalIgnoreCase))
        {
            configuration[$"{SqliteOptions.SectionName}:Enabled"] = "false";
            return;
        }

        configuration[$"{SqliteOptions.SectionName}:Enabled"] = "true";
        if (flag.Length > 0 && !string.Equals(flag, "true", StringComparison.OrdinalIgnoreCase))
        {
            configuration[$"{SqliteOptions.SectionName}:Path"] = flag;
        }
    }
}
