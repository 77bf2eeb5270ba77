using Collab.Persistence.Storage;

namespace Collab.Persistence.Admin;

/// <summary>
/// The store a verb works on, chosen like the worker chooses it: <c>Collab:Storage</c> from <c>appsettings.json</c> and
/// <c>appsettings.{environment}.json</c> in the current folder (the worker's content root), environment variables
/// (<c>Collab__Storage__Provider</c>), configuration arguments, then the shortcuts (<c>--sqlite</c>, <c>--folder</c>,
/// <c>--s3</c>, <c>--bucket</c>). Relative paths resolve against the current folder.
/// </summary>
internal sealed class StoreSelection : IDisposable
{
    private StoreSelection(IDocumentStore store, string description)
    {
        Store = store;
        Description = description;
    }

    public IDocumentStore Store { get; }

    /// <summary>Where the documents are, for messages: <c>the SQLite store /data/collab.db</c>.</summary>
    public string Description { get; }

    /// <summary>
    /// Opens the configured store. Unless <paramref name="create"/>, a SQLite file or document folder that does not exist
    /// is an error rather than a new empty store (a mistyped path must not look like a store without documents).
    /// </summary>
    public static StoreSelection Open(string[] configurationArguments, IReadOnlyDictionary<string, string?> overrides, bool create)
    {
        var contentRoot = Directory.GetCurrentDirectory();
        var environment = Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT")
            ?? Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT")
            ?? "Production";
        var configuration = new ConfigurationBuilder()
            .SetBasePath(contentRoot)
            .AddJsonFile("appsettings.json", optional: true, reloadOnChange: false)
            .AddJsonFile($"appsettings.{environment}.json", optional: true, reloadOnChange: false)
            .AddEnvironmentVariables()
            .AddCommandLine(configurationArguments)
            .AddInMemoryCollection(overrides)
            .Build();

        var options = new StorageOptions();
        try
        {
            configuration.GetSection(StorageOptions.SectionName).Bind(options);
        }
        catch (InvalidOperationException e)
        {
            throw new AdminException($"invalid {StorageOptions.SectionName} configuration: {e.Message}");
        }

        var validation = new StorageOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            throw new AdminException($"invalid {StorageOptions.SectionName} configuration: {validation.FailureMessage}");
        }

        var description = options.Provider switch
        {
            StorageProvider.Sqlite => Existing("the SQLite store", Path.Combine(contentRoot, options.Sqlite.Path), File.Exists, create),
            StorageProvider.FileSystem => Existing("the file-system store", Path.Combine(contentRoot, options.FileSystem.Path), Directory.Exists, create),
            _ => $"the S3 store s3://{options.S3.Bucket}/{options.S3.Prefix}" + (options.S3.ServiceUrl is { Length: > 0 } url ? $" at {url}" : ""),
        };
        return new StoreSelection(StorageRegistration.CreateDocumentStore(options, contentRoot), description);
    }

    public void Dispose() => (Store as IDisposable)?.Dispose();

    private static string Existing(string kind, string path, Func<string, bool> exists, bool create)
    {
        var full = Path.GetFullPath(path);
        return create || exists(full)
            ? $"{kind} {full}"
            : throw new AdminException($"{kind} {full} does not exist (check the path, or Collab:Storage in appsettings.json and the environment)");
    }
}
