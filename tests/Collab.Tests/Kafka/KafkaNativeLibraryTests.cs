using Collab.Relay.Kafka;
using Confluent.Kafka;

namespace Collab.Tests.Kafka;

public sealed class KafkaNativeLibraryTests
{
    /// <summary>The librdkafka.redist version named in Directory.Packages.props.</summary>
    private const string BundledVersion = "2.16.0";

    [Fact]
    public void TheBundledLibrdkafkaLoadsEvenWhereTheOperatingSystemHasItsOwn()
    {
        var version = KafkaNativeLibrary.EnsureLoaded();

        Assert.Equal(BundledVersion, version);
        Assert.Equal(BundledVersion, Library.VersionString);
        Assert.StartsWith(AppContext.BaseDirectory, KafkaNativeLibrary.LoadedPath, StringComparison.Ordinal);
        Assert.Contains(Path.Combine("runtimes", "linux-x64", "native"), KafkaNativeLibrary.LoadedPath, StringComparison.Ordinal);
    }
}
