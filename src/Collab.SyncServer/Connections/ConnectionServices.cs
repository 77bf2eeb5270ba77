using Collab.SyncServer.Documents;
using Collab.SyncServer.Hooks;
using Microsoft.Extensions.Options;

namespace Collab.SyncServer.Connections;

/// <summary>What sessions and connections need from the server, in one singleton.</summary>
internal sealed class ConnectionServices(
    IOptions<SyncServerOptions> options,
    HookChain hooks,
    DocumentRegistry registry,
    ISyncDurability durability,
    SessionTracker sessions,
    TimeProvider time,
    IServiceProvider services,
    ILoggerFactory loggers,
    BroadcastFlusher flusher,
    AddressBudgets addresses)
{
    /// <summary>The shared rate budgets of client addresses.</summary>
    public AddressBudgets Addresses { get; } = addresses;

    public SyncServerOptions Options { get; } = options.Value;

    /// <summary>What all sockets together may hold in messages still arriving.</summary>
    public WebSockets.MessageBufferBudget MessageBuffers { get; } = WebSockets.MessageBufferBudget.From(options.Value);

    public HookChain Hooks { get; } = hooks;

    /// <summary>Ends broadcast windows and deferred echoes (protocol.md §7.9).</summary>
    public BroadcastFlusher Flusher { get; } = flusher;

    public DocumentRegistry Registry { get; } = registry;

    public ISyncDurability Durability { get; } = durability;

    public SessionTracker Sessions { get; } = sessions;

    public TimeProvider Time { get; } = time;

    public IServiceProvider Services { get; } = services;

    public ILogger Logger { get; } = loggers.CreateLogger("Collab.SyncServer.Connections");

    public bool HasBeforeHandleMessage { get; } = hooks.Implements(nameof(ICollabExtension.BeforeHandleMessage));

    public bool HasAfterHandleMessage { get; } = hooks.Implements(nameof(ICollabExtension.AfterHandleMessage));

    public bool HasBeforeSync { get; } = hooks.Implements(nameof(ICollabExtension.BeforeSync));

    public bool HasBeforeHandleAwareness { get; } = hooks.Implements(nameof(ICollabExtension.BeforeHandleAwareness));
}

/// <summary>
/// The open sockets, for shutdown and the connection count; one timer checks every socket's timeout (§7.2.7) at a
/// quarter of <see cref="SyncServerOptions.Timeout"/>, so ten thousand idle sockets cost one timer, not ten thousand.
/// </summary>
internal sealed class SessionTracker : IDisposable
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<SocketSession, byte> _sessions = new();
    private readonly ITimer _timer;

    public SessionTracker(IOptions<SyncServerOptions> options, TimeProvider time)
    {
        var period = TimeSpan.FromTicks(Math.Max(TimeSpan.FromMilliseconds(10).Ticks, options.Value.Timeout.Ticks / 4));
        _timer = time.CreateTimer(static s => ((SessionTracker)s!).CheckTimeouts(), this, period, period);
    }

    public int Count => _sessions.Count;

    public IReadOnlyCollection<SocketSession> Snapshot => [.. _sessions.Keys];

    public void Add(SocketSession session) => _sessions.TryAdd(session, 0);

    public void Remove(SocketSession session) => _sessions.TryRemove(session, out _);

    public void Dispose() => _timer.Dispose();

    private void CheckTimeouts()
    {
        foreach (var session in _sessions.Keys)
        {
            session.CheckTimeout();
        }
    }
}
