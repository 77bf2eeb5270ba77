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
    /// Adds SQLite persistence unless <c>Collab:Sqlite:Enabled</c> is false: an <see cref="IDocumentStore"/> on the file
    /// <c>Collab:Sqlite:Path</c> (or the value of the <c>--sqlite</c> flag) and the extension that loads and stores documents.
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

        var contentRoot = builder.Environment.ContentRootPath;
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<IDocumentStore>(sp => new SqliteDocumentStore(
            Path.Combine(contentRoot, sp.GetRequiredService<IOptions<SqliteOptions>>().Value.Path),
            sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddCollabExtension<SqliteExtension>();
        builder.Services.AddHealthChecks().AddCheck<SqliteHealthCheck>("sqlite");
        return builder;
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
