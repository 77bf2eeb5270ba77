namespace Aspire.Hosting;

/// <summary>A volume a deployed service needs, written into its manifest entry.</summary>
/// <param name="Name">The volume's name (unique in the app).</param>
/// <param name="Target">Where it is mounted in the service's container.</param>
public sealed record DeploymentVolume(string Name, string Target);

/// <summary>
/// What Collab adds to a project's entry of the deployment manifest (publish mode only): the replica count of
/// <c>WithReplicas</c>, the health probes the services map (<c>/health</c> readiness, <c>/alive</c> liveness, from
/// Collab.ServiceDefaults) and the volumes its files need. Aspire's manifest writer writes none of these for projects
/// (microsoft/aspire#2629 for replicas); the entry otherwise stays a <c>project.v0</c> with the path, arguments, environment
/// and bindings Aspire writes, so tools that read the manifest (azd) see what they expect and ignore the rest.
/// </summary>
public static class DeploymentManifestExtensions
{
    /// <summary>The readiness probe's path (every health check; 503 while one fails).</summary>
    public const string ReadinessPath = "/health";

    /// <summary>The liveness probe's path (checks tagged <c>live</c>).</summary>
    public const string LivenessPath = "/alive";

    /// <summary>In publish mode, writes the project's manifest entry with <c>replicas</c>, <c>probes</c> and <c>volumes</c>.</summary>
    /// <param name="builder">The project.</param>
    /// <param name="volumes">Volumes the deployed service needs (none by default).</param>
    /// <returns>The same project.</returns>
    public static IResourceBuilder<ProjectResource> WithDeploymentManifest(this IResourceBuilder<ProjectResource> builder, params DeploymentVolume[] volumes)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (!builder.ApplicationBuilder.ExecutionContext.IsPublishMode)
        {
            return builder;
        }

        var project = builder.Resource;
        return builder.WithManifestPublishingCallback(async context =>
        {
            var writer = context.Writer;
            writer.WriteString("type", "project.v0");
            writer.WriteString("path", context.GetManifestRelativePath(project.GetProjectMetadata().ProjectPath));
            await context.WriteCommandLineArgumentsAsync(project).ConfigureAwait(false);
            await context.WriteEnvironmentVariablesAsync(project).ConfigureAwait(false);
            context.WriteBindings(project);

            writer.WriteNumber("replicas", project.GetReplicaCount());
            writer.WriteStartArray("probes");
            foreach (var (type, path) in new[] { ("readiness", ReadinessPath), ("liveness", LivenessPath) })
            {
                writer.WriteStartObject();
                writer.WriteString("type", type);
                writer.WriteString("path", path);
                writer.WriteString("endpoint", "http");
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            if (volumes.Length > 0)
            {
                // the shape of a container.v0 entry's volumes
                writer.WriteStartArray("volumes");
                foreach (var volume in volumes)
                {
                    writer.WriteStartObject();
                    writer.WriteString("name", volume.Name);
                    writer.WriteString("target", volume.Target);
                    writer.WriteBoolean("readOnly", false);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
            }
        });
    }
}
