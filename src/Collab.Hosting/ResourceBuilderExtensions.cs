namespace Aspire.Hosting;

/// <summary>Wiring shared by Collab's app models (the repository's AppHost and the collab-aspire template's).</summary>
public static class CollabResourceBuilderExtensions
{
    /// <summary>References a connection-string resource and waits for it, when the app model has it.</summary>
    public static IResourceBuilder<T> WithOptionalReference<T>(this IResourceBuilder<T> builder, IResourceBuilder<IResourceWithConnectionString>? dependency)
        where T : IResourceWithEnvironment, IResourceWithWaitSupport
    {
        ArgumentNullException.ThrowIfNull(builder);
        return dependency is null ? builder : builder.WithReference(dependency).WaitFor(dependency);
    }

    /// <summary>
    /// One SQLite folder per replica under <paramref name="dataDirectory"/>: <c>{name}-0</c>, <c>{name}-1</c>… Replicas share
    /// one configuration, so the path carries a <c>{slot}</c> that each replica fills with the lowest number no running
    /// replica holds (Collab:Sqlite:Path); a restarted replica finds its folder again. Only when run: a deployed replica is a
    /// container of its own and keeps the default path under its content root (on a volume).
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithReplicaDataFolders(this IResourceBuilder<ProjectResource> builder, string dataDirectory) =>
        builder.ApplicationBuilder.ExecutionContext.IsRunMode
            ? builder.WithEnvironment("Collab__Sqlite__Path", Path.Combine(dataDirectory, builder.Resource.Name + "-{slot}", "collab.db"))
            : builder;

    /// <summary>The worker's SQLite file under <paramref name="dataDirectory"/> (<c>persistence/persistence.db</c>), only when run.</summary>
    public static IResourceBuilder<ProjectResource> WithWorkerDataFolder(this IResourceBuilder<ProjectResource> builder, string dataDirectory) =>
        builder.ApplicationBuilder.ExecutionContext.IsRunMode
            ? builder.WithEnvironment("Collab__Storage__Sqlite__Path", Path.Combine(dataDirectory, builder.Resource.Name, "persistence.db"))
            : builder;

    /// <summary>
    /// Lists the SyncServer's editor page (<c>/editor/</c>, Collab:Editor) beside its endpoint, so the dashboard links to it:
    /// on the proxy in front of the replicas it is the load-balanced page.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithEditorUrl(this IResourceBuilder<ProjectResource> builder) =>
        builder.WithUrlForEndpoint("http", _ => new ResourceUrlAnnotation { Url = "/editor/", DisplayText = "Editor" });
}
