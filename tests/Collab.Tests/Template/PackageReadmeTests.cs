using System.IO.Compression;
using System.Xml.Linq;
using Collab.Tests.Support;

namespace Collab.Tests.Template;

/// <summary>
/// The packages the build makes (dotnet build Collab.sln packs them) each carry their readme for the package page: the
/// nuspec names it, it is at the package root, and it is that project's PACKAGE.md, titled with the package's id.
/// </summary>
public sealed class PackageReadmeTests
{
    private static readonly string[] Packages =
        ["Collab.Yjs", "Collab.Relay", "Collab.Persistence", "Collab.SyncServer", "Collab.Hosting", "Collab.KafkaTestCluster", "Collab.Templates"];

    [Fact]
    public void EveryPackageCarriesItsReadme()
    {
        var folder = Path.Combine(RepositoryPaths.Root, "artifacts", "packages", RepositoryPaths.Configuration);
        foreach (var id in Packages)
        {
            var package = Path.Combine(folder, $"{id}.0.1.0.nupkg");
            Assert.True(File.Exists(package), $"{package} is not built (dotnet build Collab.sln packs it)");
            using var zip = ZipFile.OpenRead(package);
            var nuspec = XDocument.Load(zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
            var readme = nuspec.Descendants().SingleOrDefault(e => e.Name.LocalName == "readme")?.Value;
            Assert.True(readme == "PACKAGE.md", $"{id}: the nuspec names the readme {readme ?? "(none)"}");

            var entry = zip.GetEntry("PACKAGE.md");
            Assert.True(entry is not null, $"{id}: no PACKAGE.md at the package root");
            using var reader = new StreamReader(entry.Open());
            var text = reader.ReadToEnd();
            Assert.StartsWith($"# {id}\n", text, StringComparison.Ordinal);
            Assert.DoesNotContain("](../", text, StringComparison.Ordinal);
        }
    }
}
