using Collab.SyncServer.Telemetry;
using System.Collections.Concurrent;
using Collab.SyncServer.Extensions;
using Collab.SyncServer.Hooks;
using Microsoft.Extensions.Options;

namespace Collab.SyncServer.Auth;

/// <summary>
/// Enforces token expiry on open connections: asks the client for a fresh token shortly before expiry (answered through
/// OnTokenSync, which re-tracks the connection) and closes the document connection with 4401 when the token ran out.
/// </summary>
internal sealed partial class TokenExpiryWatcher(IOptions<AuthOptions> options, TimeProvider timeProvider, ILogger<TokenExpiryWatcher> logger) : IDisposable
{
    private readonly ConcurrentDictionary<ICollabConnection, Timers> _tracked = new(ReferenceEqualityComparer.Instance);

    public int TrackedCount => _tracked.Count;

    public void Track(ICollabConnection connection, DateTimeOffset expiresAt)
    {
        var now = timeProvider.GetUtcNow();
        var timers = new Timers();
        var lead = options.Value.Jwt.TokenRefreshLead;
        if (lead > TimeSpan.Zero && expiresAt - lead > now)
        {
            timers.Refresh = timeProvider.CreateTimer(static state => ((ICollabConnection)state!).RequestToken(), connection, expiresAt - lead - now, Timeout.InfiniteTimeSpan);
        }

        timers.Expire = timeProvider.CreateTimer(state => Expire((ICollabConnection)state!), connection, Max(expiresAt - now, TimeSpan.Zero), Timeout.InfiniteTimeSpan);
        if (_tracked.TryGetValue(connection, out var previous))
        {
            previous.Dispose();
        }

        _tracked[connection] = timers;
    }

    public void Untrack(ICollabConnection connection)
    {
        if (_tracked.TryRemove(connection, out var timers))
        {
            timers.Dispose();
        }
    }

    public void Dispose()
    {
        foreach (var connection in _tracked.Keys)
        {
            Untrack(connection);
        }
    }

    private void Expire(ICollabConnection connection)
    {
        Untrack(connection);
        if (!connection.IsClosed)
        {
            LogExpired(connection.DocumentName, connection.SocketId);
            ExtensionsTelemetry.TokenExpirations.Add(1);
            connection.Close(CloseCodes.Unauthorized, AuthFailureReasons.TokenExpired);
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    [LoggerMessage(EventId = 3200, Level = LogLevel.Information, Message = "Token of connection {SocketId} to {DocumentName} expired; connection closed")]
    private partial void LogExpired(LogText documentName, string socketId);

    private sealed class Timers : IDisposable
    {
        public ITimer? Refresh { get; set; }

        public ITimer? Expire { get; set; }

        public void Dispose()
        {
            Refresh?.Dispose();
            Expire?.Dispose();
        }
    }
}
