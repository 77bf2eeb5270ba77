using Collab.SyncServer.Telemetry;
using System.Collections.Concurrent;
using Collab.SyncServer.Hooks;
using Microsoft.Extensions.Options;

namespace Collab.SyncServer.Extensions.Throttle;

/// <summary>
/// Rejects document authentications (OnConnect, PermissionDenied "Forbidden") from IPs that tried too often: more than
/// <see cref="ThrottleOptions.Throttle"/> attempts within the window bans the IP for the ban time.
/// </summary>
internal sealed partial class ThrottleExtension : ICollabExtension, IDisposable
{
    private readonly ConcurrentDictionary<string, Record> _records = new(StringComparer.Ordinal);
    private readonly ThrottleOptions _options;
    private readonly ClientAddressResolver _resolver;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<ThrottleExtension> _logger;
    private readonly ITimer _cleanup;

    public ThrottleExtension(IOptions<ThrottleOptions> options, ClientAddressResolver resolver, TimeProvider timeProvider, ILogger<ThrottleExtension> logger)
    {
        _options = options.Value;
        _resolver = resolver;
        _timeProvider = timeProvider;
        _logger = logger;
        _cleanup = timeProvider.CreateTimer(static s => ((ThrottleExtension)s!).Cleanup(), this, _options.CleanupInterval, _options.CleanupInterval);
    }

    /// <summary>Runs before authentication, so that banned clients cannot try tokens.</summary>
    public int Priority => 2000;

    /// <summary>IPs currently tracked (for tests and diagnostics).</summary>
    public int TrackedCount => _records.Count;

    public ValueTask OnConnect(OnConnectPayload payload)
    {
        var ip = _resolver.Resolve(payload.Request?.Connection.RemoteIpAddress, payload.RequestHeaders);
        if (IsThrottled(ip))
        {
            LogRejected(ip, payload.DocumentName);
            ExtensionsTelemetry.ThrottleRejections.Add(1);
            throw new CollabRejectException();
        }

        return default;
    }

    public ValueTask OnDestroy(OnDestroyPayload payload)
    {
        _cleanup.Dispose();
        return default;
    }

    public void Dispose() => _cleanup.Dispose();

    /// <summary>Records an attempt of <paramref name="ip"/>; true when it must be rejected.</summary>
    public bool IsThrottled(string ip)
    {
        var now = _timeProvider.GetUtcNow();
        var record = _records.GetOrAdd(ip, static _ => new Record());
        lock (record)
        {
            if (record.BannedUntil is { } until)
            {
                if (now < until)
                {
                    return true;
                }

                record.BannedUntil = null;
                record.Attempts.Clear();
            }

            record.Attempts.Enqueue(now);
            var windowStart = now - TimeSpan.FromSeconds(_options.ConsideredSeconds);
            while (record.Attempts.TryPeek(out var oldest) && oldest <= windowStart)
            {
                record.Attempts.Dequeue();
            }

            if (record.Attempts.Count > _options.Throttle)
            {
                record.BannedUntil = now + _options.BanTime;
                LogBanned(ip, _options.BanTime);
                ExtensionsTelemetry.ThrottleBans.Add(1);
                return true;
            }

            return false;
        }
    }

    private void Cleanup()
    {
        var now = _timeProvider.GetUtcNow();
        var windowStart = now - TimeSpan.FromSeconds(_options.ConsideredSeconds);
        foreach (var (ip, record) in _records)
        {
            lock (record)
            {
                var banOver = record.BannedUntil is null || record.BannedUntil <= now;
                var quiet = !record.Attempts.TryPeek(out _) || record.Attempts.Max() <= windowStart;
                if (banOver && quiet)
                {
                    _records.TryRemove(new KeyValuePair<string, Record>(ip, record));
                }
            }
        }
    }

    [LoggerMessage(EventId = 3300, Level = LogLevel.Warning, Message = "Client {Ip} banned for {BanTime} after too many connection attempts")]
    private partial void LogBanned(string ip, TimeSpan banTime);

    [LoggerMessage(EventId = 3301, Level = LogLevel.Debug, Message = "Connection of {Ip} to {DocumentName} rejected by the throttle")]
    private partial void LogRejected(string ip, LogText documentName);

    private sealed class Record
    {
        public Queue<DateTimeOffset> Attempts { get; } = new();

        public DateTimeOffset? BannedUntil { get; set; }
    }
}
