using Collab.Relay.Kafka;

namespace Collab.Tests.Kafka;

public sealed class KafkaNativeLibraryTests
{
    [Fact]
    public void TheSystemLibrdkafkaLoadsAndReportsItsVersion()
    {
        var version = KafkaNativeLibrary.EnsureLoaded();

        Assert.Matches(@"^\d+\.\d+\.\d+", version);
        Assert.NotNull(KafkaNativeLibrary.LoadedPath);
    }

    [Fact]
    public void AMissingLibraryFailsWithAMessageNamingWhatToInstall()
    {
        var error = Assert.Throws<KafkaNativeLibraryNotFoundException>(
            () => KafkaNativeLibrary.Locate(["/nonexistent/librdkafka.so.1", "librdkafka-missing.so"]));

        Assert.Contains("apt-get install librdkafka-dev", error.Message, StringComparison.Ordinal);
        Assert.Contains("/nonexistent/librdkafka.so.1", error.Message, StringComparison.Ordinal);
        Assert.Contains(KafkaNativeLibrary.PathVariable, error.Message, StringComparison.Ordinal);
    }
}
