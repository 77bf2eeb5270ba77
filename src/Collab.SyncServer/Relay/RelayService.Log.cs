using Collab.Relay;

namespace Collab.SyncServer.Relay;

internal sealed partial class RelayService
{
    [LoggerMessage(EventId = 1500, Level = LogLevel.Information, Message = "Relay {Transport} started as instance {Instance}: {State}")]
    private partial void LogStarted(string transport, string instance, RelayState state);

    [LoggerMessage(EventId = 1501, Level = LogLevel.Warning, Message = "Document {Document} loaded without asking peers (relay unavailable: {Reason}); it is resynchronised when the relay returns")]
    private partial void LogInitialSyncUnavailable(string document, string reason);

    [LoggerMessage(EventId = 1502, Level = LogLevel.Information, Message = "Document {Document}: not every one of {Peers} peers answered its sync request within {Milliseconds} ms; late answers still apply")]
    private partial void LogInitialSyncTimedOut(string document, int peers, double milliseconds);

    [LoggerMessage(EventId = 1503, Level = LogLevel.Warning, Message = "Document {Document} unloads with relayed updates not acknowledged after {Milliseconds} ms")]
    private partial void LogDrainTimedOut(string document, double milliseconds);

    [LoggerMessage(EventId = 1504, Level = LogLevel.Warning, Message = "An update of {Document} was not relayed ({Reason}); it is stored here and resynchronised when the relay returns")]
    private partial void LogUpdateNotRelayed(string document, string reason);

    [LoggerMessage(EventId = 1505, Level = LogLevel.Warning, Message = "Relay is back: resynchronising {Count} documents with the peers")]
    private partial void LogResync(int count);

    [LoggerMessage(EventId = 1506, Level = LogLevel.Warning, Message = "Resynchronising {Document} failed ({Reason}); the next recovery tries again")]
    private partial void LogResyncFailed(string document, string reason);

    [LoggerMessage(EventId = 1507, Level = LogLevel.Information, Message = "Relay peer {Peer} joined")]
    private partial void LogPeerJoined(string peer);

    [LoggerMessage(EventId = 1508, Level = LogLevel.Information, Message = "Relay peer {Peer} left")]
    private partial void LogPeerLeft(string peer);

    [LoggerMessage(EventId = 1509, Level = LogLevel.Warning, Message = "Relay peer {Peer} is gone (no message within the peer timeout); its awareness states are removed")]
    private partial void LogPeerGone(string peer);

    [LoggerMessage(EventId = 1510, Level = LogLevel.Warning, Message = "Dropped a relayed {Kind} of {Document} from {Origin}: {Reason}")]
    private partial void LogInvalidPayload(RelayKind kind, string document, string origin, string reason);
}
