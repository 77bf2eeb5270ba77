using Collab.ServiceDefaults.Health;

namespace Collab.Tests.Deployment;

/// <summary>The container images of the two services (`dotnet publish -t:PublishContainer`, no Dockerfile), as MSBuild configures them.</summary>
public sealed class ContainerImageTests
{
    [Theory]
    [InlineData("Collab.SyncServer", "collab/syncserver", "syncserver", "Collab__Sqlite__Path")]
    [InlineData("Collab.Persistence", "collab/persistence", "persistence", "Collab__Storage__Sqlite__Path")]
    public async Task TheImageIsChiseledNonRootOn8080WithItsFilesUnderTheUsersHome(string project, string repository, string service, string sqlitePath)
    {
        var image = await ContainerImageConfig.ForAsync(project);
        Assert.Equal("mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled", image.BaseImage);
        Assert.Equal(repository, image.Repository);
        // a numeric non-root user, so Kubernetes' runAsNonRoot can check it
        Assert.Equal("1654", image.User);
        Assert.Contains("latest", image.Tags);
        Assert.Equal([8080], image.Ports);
        Assert.Equal($"{Aspire.Hosting.CollabAppModel.ContainerDataDirectory}/{(service == "syncserver" ? "collab.db" : "persistence.db")}", image.Environment[sqlitePath]);
        Assert.Equal($"{Aspire.Hosting.CollabAppModel.ContainerDataDirectory}/documents", image.Environment["Collab__Storage__FileSystem__Path"]);
        foreach (var variable in image.Environment.Keys)
        {
            Assert.Null(ServiceConfiguration.Problem(service, variable));
        }

        // the probes the deployment files and the manifest use are the endpoints ServiceDefaults maps
        Assert.Equal("/health", HealthEndpoints.HealthPath);
        Assert.Equal("/alive", HealthEndpoints.AlivePath);
    }

    [Fact]
    public void TheVariableCheckKnowsWhatEachServiceReads()
    {
        Assert.Null(ServiceConfiguration.Problem("syncserver", "Collab__Relay__Kafka__Settings__sasl.mechanism"));
        Assert.Null(ServiceConfiguration.Problem("persistence", "Collab__Storage__S3__ServiceUrl"));
        Assert.Null(ServiceConfiguration.Problem("syncserver", "OTEL_EXPORTER_OTLP_ENDPOINT"));
        Assert.NotNull(ServiceConfiguration.Problem("persistence", "Collab__Persistence__ApiKee"));
        Assert.NotNull(ServiceConfiguration.Problem("persistence", "Collab__Relay__Identifier"));
        Assert.NotNull(ServiceConfiguration.Problem("persistence", "ConnectionStrings__redis"));
        Assert.NotNull(ServiceConfiguration.Problem("syncserver", "Collab__Storage__S3"));
        Assert.NotNull(ServiceConfiguration.Problem("syncserver", "Collab__Storage__Sqlite__Path__Extra"));
    }
}
