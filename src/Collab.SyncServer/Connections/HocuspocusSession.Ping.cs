using System.Globalization;
using Collab.SyncServer.Protocol;

namespace Collab.SyncServer.Connections;

/// <summary>
/// Server Ping (protocol.md §5.4.10), off unless <see cref="SyncServerOptions.PingInterval"/> is positive: a socket whose
/// providers declared version 4 or later in their Auth messages gets the single-byte Ping after that long without
/// inbound traffic (the provider answers with Pong, which counts as traffic for the idle timeout like any frame).
/// Pre-v4 providers (which would misparse it) and sockets where any Auth lacked a version never get one; y-websocket
/// sockets are other sessions and never get one either.
/// </summary>
internal sealed partial class HocuspocusSession
{
    private const int PingUnknown = 0;
    private const int PingAllowed = 1;
    private const int PingNever = -1;

    private ITimer? _pingTimer;
    private int _pingState = PingUnknown;
    private long _lastInbound;
    private long _lastPing;

    private TimeSpan PingInterval => Options.PingInterval;

    private void StartPing()
    {
        if (PingInterval <= TimeSpan.Zero)
        {
            return;
        }

        _lastInbound = Services.Time.GetTimestamp();
        _lastPing = _lastInbound;
        var period = TimeSpan.FromTicks(Math.Max(TimeSpan.FromMilliseconds(10).Ticks, PingInterval.Ticks / 4));
        _pingTimer = Services.Time.CreateTimer(static s => ((HocuspocusSession)s!).PingIfQuiet(), this, period, period);
    }

    private void NoteInbound()
    {
        if (_pingTimer is not null)
        {
            Interlocked.Exchange(ref _lastInbound, Services.Time.GetTimestamp());
        }
    }

    /// <summary>All providers of a socket share one HocuspocusProviderWebsocket, so one version; anything else stops pings for good.</summary>
    private void NoteProviderVersion(string? version)
    {
        var allowed = IsAtLeastVersion4(version);
        if (!allowed)
        {
            Volatile.Write(ref _pingState, PingNever);
        }
        else
        {
            Interlocked.CompareExchange(ref _pingState, PingAllowed, PingUnknown);
        }
    }

    internal static bool IsAtLeastVersion4(string? version)
    {
        if (string.IsNullOrEmpty(version))
        {
            return false;
        }

        var dot = version.IndexOf('.', StringComparison.Ordinal);
        var major = dot < 0 ? version : version[..dot];
        return int.TryParse(major, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= 4;
    }

    private void PingIfQuiet()
    {
        if (IsTerminated || Volatile.Read(ref _pingState) != PingAllowed)
        {
            return;
        }

        var now = Services.Time.GetTimestamp();
        var since = Math.Max(Interlocked.Read(ref _lastInbound), Interlocked.Read(ref _lastPing));
        if (Services.Time.GetElapsedTime(since, now) >= PingInterval)
        {
            Interlocked.Exchange(ref _lastPing, now);
            Send(OutboundMessages.Ping);
        }
    }

    private async Task StopPingAsync()
    {
        if (_pingTimer is { } timer)
        {
            await timer.DisposeAsync().ConfigureAwait(false);
        }
    }
}
