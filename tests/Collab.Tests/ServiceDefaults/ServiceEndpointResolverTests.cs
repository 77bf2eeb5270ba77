using Collab.ServiceDefaults.Discovery;
using Microsoft.Extensions.Configuration;

namespace Collab.Tests.ServiceDefaults;

public sealed class ServiceEndpointResolverTests
{
    private static ServiceEndpointResolver Resolver(params (string Key, string Value)[] settings) =>
        new(new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build());

    private static Uri Resolve(ServiceEndpointResolver resolver, string address)
    {
        Assert.True(resolver.TryResolve(new Uri(address), out var resolved));
        return resolved;
    }

    [Fact]
    public void ALogicalAddressResolvesToTheConfiguredEndpointKeepingPathAndQuery()
    {
        var resolver = Resolver(("services:persistence:http:0", "http://127.0.0.1:5123"));

        Assert.Equal(new Uri("http://127.0.0.1:5123/documents/a?x=1"), Resolve(resolver, "http://persistence/documents/a?x=1"));
    }

    [Fact]
    public void SeveralEndpointsAreUsedRoundRobin()
    {
        var resolver = Resolver(
            ("services:persistence:http:0", "http://127.0.0.1:5001"),
            ("services:persistence:http:1", "http://127.0.0.1:5002"));

        var ports = Enumerable.Range(0, 4).Select(_ => Resolve(resolver, "http://persistence/").Port).ToList();

        Assert.Equal([5001, 5002, 5001, 5002], ports);
    }

    [Fact]
    public void HttpsPlusHttpPrefersHttpsAndFallsBackToHttp()
    {
        var both = Resolver(
            ("services:api:http:0", "http://127.0.0.1:5001"),
            ("services:api:https:0", "https://127.0.0.1:5443"));
        var httpOnly = Resolver(("services:api:http:0", "http://127.0.0.1:5001"));

        Assert.Equal("https://127.0.0.1:5443/", Resolve(both, "https+http://api/").AbsoluteUri);
        Assert.Equal("http://127.0.0.1:5001/", Resolve(httpOnly, "https+http://api/").AbsoluteUri);
    }

    [Fact]
    public void AnUnderscorePrefixSelectsANamedEndpoint()
    {
        var resolver = Resolver(
            ("services:syncserver:http:0", "http://127.0.0.1:5001"),
            ("services:syncserver:admin:0", "http://127.0.0.1:6001"));

        Assert.Equal(6001, Resolve(resolver, "http://_admin.syncserver/documents").Port);
    }

    [Fact]
    public void HostsThatAreNotConfiguredServicesAreLeftAlone()
    {
        var resolver = Resolver(("services:persistence:http:0", "http://127.0.0.1:5001"));

        Assert.False(resolver.TryResolve(new Uri("http://example.test/x"), out var resolved));
        Assert.Equal(new Uri("http://example.test/x"), resolved);
    }

    [Fact]
    public void AConfiguredServiceWithoutAMatchingEndpointIsAClearError()
    {
        var resolver = Resolver(("services:persistence:https:0", "https://127.0.0.1:5443"));

        var error = Assert.Throws<InvalidOperationException>(() => resolver.TryResolve(new Uri("http://persistence/"), out _));
        Assert.Contains("services:persistence:http:0", error.Message, StringComparison.Ordinal);
    }
}
