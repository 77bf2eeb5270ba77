namespace Collab.SyncServer.Telemetry;

/// <summary>Source-generated log messages of the sync server.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1100, Level = LogLevel.Debug, Message = "Socket {SocketId} opened ({Kind})")]
    public static partial void SocketOpened(this ILogger logger, string socketId, string kind);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Debug, Message = "Socket {SocketId} closed")]
    public static partial void SocketClosed(this ILogger logger, string socketId);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Information, Message = "Socket {SocketId} terminated with {Code} {Reason}")]
    public static partial void SocketTerminated(this ILogger logger, string socketId, int code, LogText reason, Exception? exception);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Warning, Message = "Socket {SocketId} does not read fast enough; closing it")]
    public static partial void SlowConsumer(this ILogger logger, string socketId);

    [LoggerMessage(EventId = 1110, Level = LogLevel.Information, Message = "Authentication of {DocumentName} on socket {SocketId} denied: {Reason}")]
    public static partial void AuthenticationDenied(this ILogger logger, LogText documentName, string socketId, LogText reason, Exception exception);

    [LoggerMessage(EventId = 1111, Level = LogLevel.Debug, Message = "New connection to {DocumentName} on socket {SocketId}")]
    public static partial void ConnectionOpened(this ILogger logger, LogText documentName, string socketId);

    [LoggerMessage(EventId = 1112, Level = LogLevel.Debug, Message = "Connection to {DocumentName} on socket {SocketId} closed with {Code} {Reason}")]
    public static partial void ConnectionClosed(this ILogger logger, LogText documentName, string socketId, int code, LogText reason);

    [LoggerMessage(EventId = 1113, Level = LogLevel.Information, Message = "Message handling of {DocumentName} on socket {SocketId} failed; closing the document connection")]
    public static partial void MessageFailed(this ILogger logger, LogText documentName, string socketId, Exception exception);

    [LoggerMessage(EventId = 1114, Level = LogLevel.Debug, Message = "Ignoring message type {Type} for {DocumentName}")]
    public static partial void UnknownMessage(this ILogger logger, ulong type, LogText documentName);

    [LoggerMessage(EventId = 1115, Level = LogLevel.Information, Message = "Awareness update for {DocumentName} rejected by a hook")]
    public static partial void AwarenessRejected(this ILogger logger, LogText documentName, Exception exception);

    [LoggerMessage(EventId = 1120, Level = LogLevel.Debug, Message = "Loaded document {DocumentName}")]
    public static partial void DocumentLoaded(this ILogger logger, LogText documentName);

    [LoggerMessage(EventId = 1121, Level = LogLevel.Warning, Message = "Loading document {DocumentName} failed")]
    public static partial void DocumentLoadFailed(this ILogger logger, LogText documentName, Exception exception);

    [LoggerMessage(EventId = 1122, Level = LogLevel.Debug, Message = "Unloaded document {DocumentName}")]
    public static partial void DocumentUnloaded(this ILogger logger, LogText documentName);

    [LoggerMessage(EventId = 1123, Level = LogLevel.Information, Message = "Unloading document {DocumentName} was cancelled by a hook")]
    public static partial void UnloadCancelled(this ILogger logger, LogText documentName, Exception exception);

    [LoggerMessage(EventId = 1130, Level = LogLevel.Error, Message = "Storing document {DocumentName} failed (attempt {Attempt}); retrying in {Delay}")]
    public static partial void StoreFailed(this ILogger logger, LogText documentName, int attempt, TimeSpan delay, Exception exception);

    [LoggerMessage(EventId = 1131, Level = LogLevel.Debug, Message = "Stored document {DocumentName}")]
    public static partial void DocumentStored(this ILogger logger, LogText documentName);

    [LoggerMessage(EventId = 1132, Level = LogLevel.Critical, Message = "Shutdown: document {DocumentName} has changes that could not be stored")]
    public static partial void UnstoredAtShutdown(this ILogger logger, LogText documentName);

    [LoggerMessage(EventId = 1124, Level = LogLevel.Error, Message = "Broadcasting changes of {DocumentName} failed")]
    public static partial void BroadcastFailed(this ILogger logger, LogText documentName, Exception exception);

    [LoggerMessage(EventId = 1146, Level = LogLevel.Debug, Message = "Sending the acknowledgements of {DocumentName} failed")]
    public static partial void AcknowledgementFailed(this ILogger logger, LogText documentName, Exception exception);

    [LoggerMessage(EventId = 1147, Level = LogLevel.Information, Message = "Socket {SocketId} caused {Budget} log lines; its further ones are suppressed")]
    public static partial void LogLinesSuppressed(this ILogger logger, string socketId, int budget);

    [LoggerMessage(EventId = 1145, Level = LogLevel.Warning, Message = "Appending change {Sequence} of {DocumentName} to the update log failed; its acknowledgement waits for the next store")]
    public static partial void UpdateLogAppendFailed(this ILogger logger, LogText documentName, long sequence, Exception? exception);

    [LoggerMessage(EventId = 1142, Level = LogLevel.Information, Message = "Collab is ready. Hocuspocus provider: {HocuspocusUrl}  y-websocket: {YWebsocketUrl}<document>  health: {HealthUrl}")]
    public static partial void Ready(this ILogger logger, string hocuspocusUrl, string yWebsocketUrl, string healthUrl);

    [LoggerMessage(EventId = 1143, Level = LogLevel.Warning, Message = "Authentication is off (no Collab:Auth:Jwt key is configured): anonymous clients can read and write every document")]
    public static partial void AuthenticationOff(this ILogger logger);

    [LoggerMessage(EventId = 1144, Level = LogLevel.Information, Message = "JWT authentication is on: {Policy}")]
    public static partial void AuthenticationOn(this ILogger logger, string policy);

    [LoggerMessage(EventId = 1140, Level = LogLevel.Information, Message = "Sync server shutting down: {Documents} documents, {Sockets} sockets")]
    public static partial void ShuttingDown(this ILogger logger, int documents, int sockets);

    [LoggerMessage(EventId = 1141, Level = LogLevel.Information, Message = "Memory reducer: managed heap committed {Before:0.0} MiB -> {After:0.0} MiB after a quiet spell")]
    public static partial void MemoryReduced(this ILogger logger, double before, double after);
}
