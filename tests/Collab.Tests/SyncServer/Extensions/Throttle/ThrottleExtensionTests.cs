using System.Net;
using Collab.SyncServer.Extensions.Throttle;
using Collab.SyncServer.Hooks;
using Collab.Tests.Yjs.Protocols;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Collab.Tests.SyncServer.Extensions.Throttle;

public sealed class ThrottleExtensionTests
{
    private readonly ManualTimeProvider _time = new();

    private ThrottleExtension Create(Action<ThrottleOptions>? configure = null)
    {
        var options = new ThrottleOptions { Enabled = true, Throttle = 3, ConsideredSeconds = 60, BanTime = TimeSpan.FromMinutes(5) };
        configure?.Invoke(options);
        var wrapped = Options.Create(options);
        return new ThrottleExtension(wrapped, new ClientAddressResolver(wrapped), _time, NullLogger<ThrottleExtension>.Instance);
    }

    private static OnConnectPayload Connect(string peer, params (string Name, string Value)[] headers)
    {
        var http = new DefaultHttpContext();
        http.Connection.RemoteIpAddress = IPAddress.Parse(peer);
        foreach (var (name, value) in headers)
        {
            http.Request.Headers[name] = value;
        }

        return new OnConnectPayload
        {
            Services = new ServiceCollection().BuildServiceProvider(),
            DocumentName = "doc",
            Request = http,
            RequestHeaders = http.Request.Headers,
            RequestParameters = http.Request.Query,
            SocketId = "socket",
            ConnectionConfig = new ConnectionConfig(),
            Context = new Dictionary<string, object?>(),
        };
    }

    private static bool Rejected(ThrottleExtension throttle, OnConnectPayload payload)
    {
        try
        {
            throttle.OnConnect(payload);
            return false;
        }
        catch (CollabRejectException e)
        {
            Assert.Equal((CloseCodes.Forbidden, "Forbidden"), (e.Code, e.Reason));
            return true;
        }
    }

    [Fact]
    public void AttemptBeyondTheLimitBansTheAddressUntilTheBanEnds()
    {
        using var throttle = Create();

        Assert.Equal([false, false, false, true], Enumerable.Range(0, 4).Select(_ => Rejected(throttle, Connect("10.0.0.1"))));
        Assert.False(Rejected(throttle, Connect("10.0.0.2")));

        _time.Advance(TimeSpan.FromMinutes(4));
        Assert.True(Rejected(throttle, Connect("10.0.0.1")));

        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.False(Rejected(throttle, Connect("10.0.0.1")));
    }

    [Fact]
    public void AttemptsOutsideTheWindowDoNotCount()
    {
        using var throttle = Create();
        for (var i = 0; i < 10; i++)
        {
            Assert.False(Rejected(throttle, Connect("10.0.0.1")));
            _time.Advance(TimeSpan.FromSeconds(21));
        }
    }

    [Fact]
    public void CleanupForgetsQuietAddresses()
    {
        using var throttle = Create(o => o.CleanupInterval = TimeSpan.FromSeconds(90));
        Rejected(throttle, Connect("10.0.0.1"));
        Assert.Equal(1, throttle.TrackedCount);

        _time.Advance(TimeSpan.FromSeconds(90));

        Assert.Equal(0, throttle.TrackedCount);
    }

    [Fact]
    public void CleanupKeepsBannedAddresses()
    {
        using var throttle = Create(o => o.CleanupInterval = TimeSpan.FromSeconds(90));
        for (var i = 0; i < 4; i++)
        {
            Rejected(throttle, Connect("10.0.0.1"));
        }

        _time.Advance(TimeSpan.FromSeconds(180));

        Assert.True(Rejected(throttle, Connect("10.0.0.1")));
    }

    [Fact]
    public void ForwardedForIsIgnoredUnlessTrusted()
    {
        using var throttle = Create();
        for (var i = 0; i < 3; i++)
        {
            Assert.False(Rejected(throttle, Connect("10.0.0.1", ("X-Forwarded-For", $"192.0.2.{i}"))));
        }

        Assert.True(Rejected(throttle, Connect("10.0.0.1", ("X-Forwarded-For", "192.0.2.99"))));
    }

    [Fact]
    public void ForwardedForIsTheClientWhenProxyHeadersAreTrusted()
    {
        using var throttle = Create(o => o.TrustProxyHeaders = true);
        for (var i = 0; i < 10; i++)
        {
            Assert.False(Rejected(throttle, Connect("10.0.0.1", ("X-Forwarded-For", $"192.0.2.{i}, 10.0.0.1"))));
        }
    }

    [Fact]
    public void KnownProxyForwardsTheRightMostUnknownAddress()
    {
        var resolver = new ClientAddressResolver(Options.Create(new ThrottleOptions { KnownProxies = ["10.0.0.1", "10.0.0.2"] }));
        var headers = new HeaderDictionary { ["X-Forwarded-For"] = "203.0.113.9, 198.51.100.7, 10.0.0.2" };

        Assert.Equal("198.51.100.7", resolver.Resolve(IPAddress.Parse("10.0.0.1"), headers));
        Assert.Equal("192.0.2.5", resolver.Resolve(IPAddress.Parse("192.0.2.5"), headers));
        Assert.Equal("127.0.0.1", resolver.Resolve(IPAddress.Parse("::ffff:127.0.0.1"), new HeaderDictionary()));
    }
}
