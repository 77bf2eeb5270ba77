using Collab.SyncServer;
using Collab.SyncServer.Documents;
using Collab.Tests.SyncServer.Support;
using Microsoft.Extensions.Options;

namespace Collab.Tests.SyncServer.Documents;

public sealed class MaxDebounceJitterTests
{
    [Fact]
    public void TheDeadlineComesEarlierByAtMostTheJitter()
    {
        var options = new SyncServerOptions { MaxDebounce = TimeSpan.FromSeconds(10), MaxDebounceJitter = TimeSpan.FromSeconds(1) };

        Assert.Equal(TimeSpan.FromSeconds(10), DocumentStore.MaxDelay(options, 0));
        Assert.Equal(TimeSpan.FromSeconds(9.5), DocumentStore.MaxDelay(options, 0.5));
        Assert.InRange(DocumentStore.MaxDelay(options, 0.999999), TimeSpan.FromSeconds(9), TimeSpan.FromSeconds(9.001));
    }

    [Fact]
    public void TheJitterIsCappedAtAFifthOfMaxDebounce()
    {
        var options = new SyncServerOptions { MaxDebounce = TimeSpan.FromMilliseconds(200), MaxDebounceJitter = TimeSpan.FromSeconds(1) };

        Assert.Equal(TimeSpan.FromMilliseconds(200), DocumentStore.MaxDelay(options, 0));
        Assert.Equal(TimeSpan.FromMilliseconds(180), DocumentStore.MaxDelay(options, 0.5));
        Assert.Equal(TimeSpan.FromMilliseconds(160), DocumentStore.MaxDelay(options, 1));
    }

    [Fact]
    public void ZeroJitterKeepsTheDeadlineExact()
    {
        var options = new SyncServerOptions { MaxDebounce = TimeSpan.FromSeconds(10), MaxDebounceJitter = TimeSpan.Zero };

        Assert.Equal(TimeSpan.FromSeconds(10), DocumentStore.MaxDelay(options, 0.7));
    }

    [Fact]
    public async Task ANegativeJitterStopsTheServerFromStarting()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => SyncServerHost.StartAsync(new Dictionary<string, string?>
        {
            ["MaxDebounceJitter"] = "-00:00:01",
        }));

        Assert.Contains("MaxDebounceJitter", error.Message, StringComparison.Ordinal);
    }
}
