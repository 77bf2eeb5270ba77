using Collab.Tests.Support;
using YamlDotNet.RepresentationModel;

namespace Collab.Tests.Deployment;

/// <summary>azure.yaml, the Azure Developer CLI's project file at the repository's root.</summary>
public sealed class AzureYamlTests
{
    [Fact]
    public void AzdDeploysTheAppHostAsOneDotnetContainerAppService()
    {
        var root = DeploymentYaml.Load(Path.Combine(RepositoryPaths.Root, "azure.yaml")).Single();
        Assert.Equal("collab", DeploymentYaml.Scalar(root, "name"));
        var services = DeploymentYaml.Map(root, "services");
        // azd recognises an Aspire app by one dotnet service whose project is the AppHost
        var app = Assert.IsType<YamlMappingNode>(Assert.Single(services.Children).Value);
        Assert.Equal("dotnet", DeploymentYaml.Scalar(app, "language"));
        Assert.Equal("containerapp", DeploymentYaml.Scalar(app, "host"));
        var project = Path.GetFullPath(DeploymentYaml.Scalar(app, "project"), RepositoryPaths.Root);
        Assert.True(File.Exists(project), project);
        Assert.Contains("Sdk=\"Aspire.AppHost.Sdk/", File.ReadAllText(project), StringComparison.Ordinal);
        Assert.Equal(Path.Combine(RepositoryPaths.Root, "src", "Collab.AppHost", "Collab.AppHost.csproj"), project);
    }
}
