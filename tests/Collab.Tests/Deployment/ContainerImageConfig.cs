using System.Collections.Concurrent;
using System.Text.Json;
using Collab.Tests.Support;

namespace Collab.Tests.Deployment;

/// <summary>
/// The container image a service's project describes (`dotnet publish -t:PublishContainer`), as MSBuild computes it
/// (the SDK's ComputeContainerConfig target): nothing is built or pulled.
/// </summary>
internal sealed record ContainerImageConfig(
    string BaseImage, string Repository, string User, IReadOnlyList<string> Tags, IReadOnlyList<int> Ports, IReadOnlyDictionary<string, string> Environment)
{
    private static readonly ConcurrentDictionary<string, Lazy<Task<ContainerImageConfig>>> Cache = new(StringComparer.Ordinal);

    /// <summary>The image of src/{project}; computed once per test run.</summary>
    public static Task<ContainerImageConfig> ForAsync(string project) =>
        Cache.GetOrAdd(project, p => new Lazy<Task<ContainerImageConfig>>(() => ComputeAsync(p))).Value;

    private static async Task<ContainerImageConfig> ComputeAsync(string project)
    {
        var path = Path.Combine(RepositoryPaths.Root, "src", project, project + ".csproj");
        await using var msbuild = ChildProcess.Start("dotnet",
            ["msbuild", path, "-nologo", "-t:ComputeContainerConfig", $"-p:Configuration={RepositoryPaths.Configuration}", "-p:CollabEditorBuild=false",
             "-getProperty:ContainerBaseImage", "-getProperty:ContainerRepository", "-getProperty:ContainerUser", "-getProperty:ContainerImageTags",
             "-getItem:ContainerPort", "-getItem:ContainerEnvironmentVariables"],
            RepositoryPaths.Root);
        var exitCode = await msbuild.WaitForExitAsync(TimeSpan.FromSeconds(90), CancellationToken.None);
        Assert.True(exitCode == 0, msbuild.Transcript);
        var transcript = msbuild.Transcript;
        using var json = JsonDocument.Parse(transcript[transcript.IndexOf('{', StringComparison.Ordinal)..(transcript.LastIndexOf('}') + 1)]);
        var properties = json.RootElement.GetProperty("Properties");
        var items = json.RootElement.GetProperty("Items");
        string Property(string name) => properties.GetProperty(name).GetString() ?? "";
        return new ContainerImageConfig(
            Property("ContainerBaseImage"),
            Property("ContainerRepository"),
            Property("ContainerUser"),
            Property("ContainerImageTags").Split(';', StringSplitOptions.RemoveEmptyEntries),
            [.. items.GetProperty("ContainerPort").EnumerateArray().Select(p => int.Parse(p.GetProperty("Identity").GetString()!, System.Globalization.CultureInfo.InvariantCulture))],
            items.GetProperty("ContainerEnvironmentVariables").EnumerateArray()
                .ToDictionary(e => e.GetProperty("Identity").GetString()!, e => e.GetProperty("Value").GetString()!, StringComparer.Ordinal));
    }
}
