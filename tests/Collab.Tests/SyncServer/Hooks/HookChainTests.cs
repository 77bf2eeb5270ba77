using Collab.SyncServer.Hooks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Collab.Tests.SyncServer.Hooks;

public sealed class HookChainTests
{
    private sealed class Recording(string name, int priority, List<string> log, Func<OnConnectPayload, ValueTask>? onConnect = null) : ICollabExtension
    {
        public int Priority => priority;

        public ValueTask OnConnect(OnConnectPayload payload)
        {
            log.Add(name);
            return onConnect?.Invoke(payload) ?? default;
        }
    }

    private sealed class Empty : ICollabExtension;

    private sealed class StoresOnly : ICollabExtension
    {
        public ValueTask OnStoreDocument(StoreDocumentPayload payload) => default;
    }

    private static OnConnectPayload Payload(IServiceProvider? services = null) => new()
    {
        Services = services ?? new ServiceCollection().BuildServiceProvider(),
        DocumentName = "doc",
        RequestHeaders = new HeaderDictionary(),
        RequestParameters = QueryCollection.Empty,
        SocketId = "socket",
        ConnectionConfig = new ConnectionConfig(),
        Context = new Dictionary<string, object?>(),
    };

    private static HookChain Chain(params ICollabExtension[] extensions) => new(extensions, NullLogger<HookChain>.Instance);

    private static ValueTask Connect(ICollabExtension e, OnConnectPayload p) => e.OnConnect(p);

    [Fact]
    public async Task HooksRunHighestPriorityFirstAndInRegistrationOrderAmongEquals()
    {
        var log = new List<string>();
        var chain = Chain(new Recording("a", 100, log), new Recording("b", 200, log), new Recording("c", 100, log), new Recording("d", 50, log));

        Assert.True(await chain.RunAsync("onConnect", Payload(), Connect));

        Assert.Equal(["b", "a", "c", "d"], log);
    }

    [Fact]
    public async Task AnErrorStopsTheChainAndReachesTheCaller()
    {
        var log = new List<string>();
        var chain = Chain(
            new Recording("first", 100, log, _ => throw new CollabRejectException(4401, "no token")),
            new Recording("second", 90, log));

        var error = await Assert.ThrowsAsync<CollabRejectException>(async () => await chain.RunAsync("onConnect", Payload(), Connect));

        Assert.Equal(4401, error.Code);
        Assert.Equal("no token", error.Reason);
        Assert.Equal(["first"], log);
    }

    [Fact]
    public async Task AsynchronousErrorsStopTheChainToo()
    {
        var log = new List<string>();
        var chain = Chain(
            new Recording("first", 100, log, async _ =>
            {
                await Task.Yield();
                throw new InvalidOperationException("boom");
            }),
            new Recording("second", 90, log));

        await Assert.ThrowsAsync<InvalidOperationException>(async () => await chain.RunAsync("onConnect", Payload(), Connect));
        Assert.Equal(["first"], log);
    }

    [Fact]
    public async Task SkipFurtherHooksEndsTheChainWithoutAnError()
    {
        var log = new List<string>();
        var chain = Chain(new Recording("lock", 100, log, _ => throw new SkipFurtherHooksException()), new Recording("store", 90, log));

        Assert.False(await chain.RunAsync("onConnect", Payload(), Connect));
        Assert.Equal(["lock"], log);
    }

    [Fact]
    public async Task ChangesToThePayloadAreVisibleToLaterHooks()
    {
        var seen = new List<object?>();
        var chain = Chain(
            new Recording("auth", 200, [], p =>
            {
                p.ConnectionConfig.ReadOnly = true;
                p.Context["user"] = "ada";
                return default;
            }),
            new Recording("audit", 100, [], p =>
            {
                seen.Add(p.ConnectionConfig.ReadOnly);
                seen.Add(p.Context["user"]);
                return default;
            }));

        await chain.RunAsync("onConnect", Payload(), Connect);

        Assert.Equal([true, "ada"], seen);
    }

    [Fact]
    public async Task ErrorsOfFireAndForgetHooksAreLoggedNotThrown()
    {
        var logger = new CapturingLogger();
        var chain = new HookChain([new Recording("x", 100, [], _ => throw new InvalidOperationException("boom"))], logger);

        chain.Fire("onConnect", Payload(), Connect);
        await chain.RunLoggedAsync("onConnect", Payload(), Connect);

        Assert.Equal(2, logger.Errors.Count);
    }

    [Fact]
    public void ExtensionsRegisteredThroughDependencyInjectionAreSortedByPriority()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<HookChain>();
        services.AddCollabExtension<Empty>();
        services.AddCollabExtension(new Recording("high", 500, []));
        services.AddCollabExtension(_ => new Recording("low", 1, []));
        using var provider = services.BuildServiceProvider();

        var chain = provider.GetRequiredService<HookChain>();

        Assert.Equal([500, 100, 1], chain.Extensions.Select(e => e.Priority));
        Assert.Same(provider.GetRequiredService<Empty>(), chain.Extensions[1]);
    }

    [Fact]
    public void TheChainKnowsWhichHooksAreImplemented()
    {
        var chain = Chain(new Empty(), new StoresOnly());

        Assert.True(chain.Implements(nameof(ICollabExtension.OnStoreDocument)));
        Assert.False(chain.Implements(nameof(ICollabExtension.OnConnect)));
    }

    private sealed class SwitchableChanges(bool on) : ICollabExtension, ICollabHookFilter
    {
        public bool On { get; set; } = on;

        public ValueTask OnChange(OnChangePayload payload) => default;

        public bool Uses(string hookName) => hookName != nameof(OnChange) || On;
    }

    private sealed class Changes : ICollabExtension
    {
        public ValueTask OnChange(OnChangePayload payload) => default;
    }

    [Fact]
    public void AHookIsWantedWhenAnImplementingExtensionUsesItNow()
    {
        var switchable = new SwitchableChanges(on: false);
        Assert.False(Chain(new StoresOnly(), switchable).Wants(nameof(ICollabExtension.OnChange)));
        Assert.False(Chain(new StoresOnly()).Wants(nameof(ICollabExtension.OnChange)));

        switchable.On = true;
        Assert.True(Chain(new StoresOnly(), switchable).Wants(nameof(ICollabExtension.OnChange)));

        // an extension without a filter always counts; a filter never speaks for hooks it does not implement
        Assert.True(Chain(new SwitchableChanges(on: false), new Changes()).Wants(nameof(ICollabExtension.OnChange)));
        Assert.False(Chain(new SwitchableChanges(on: true)).Wants(nameof(ICollabExtension.OnStoreDocument)));
    }

    [Fact]
    public void RelayOriginsSkipStoreHooksAndAreNotRelayedAgain()
    {
        Assert.True(new RelayOrigin("kafka", "host-1").SkipStoreHooks);
        Assert.False(new RelayOrigin().ShouldRelay);
        Assert.False(new LocalOrigin().SkipStoreHooks);
        Assert.True(new LocalOrigin(skipStoreHooks: true).SkipStoreHooks);
        Assert.True(new LocalOrigin().ShouldRelay);
    }

    private sealed class CapturingLogger : ILogger<HookChain>
    {
        public List<Exception> Errors { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (exception is not null)
            {
                lock (Errors)
                {
                    Errors.Add(exception);
                }
            }
        }
    }
}
