using Collab.SyncServer.Telemetry;
using Collab.SyncServer.Hooks;
using Microsoft.Extensions.Options;

namespace Collab.SyncServer.Extensions.Logger;

/// <summary>Logs hook events through source-generated log methods (<see cref="LoggerOptions"/> switches them).</summary>
internal sealed partial class LoggerExtension(IOptions<LoggerOptions> options, ILogger<LoggerExtension> logger) : ICollabExtension, ICollabHookFilter
{
    private readonly LoggerOptions _options = options.Value;

    /// <summary>The change log is at debug level: with it hidden (the default), no payload is built per update.</summary>
    public bool Uses(string hookName) =>
        hookName != nameof(OnChange) || (_options.OnChange && logger.IsEnabled(LogLevel.Debug));

    /// <summary>Runs last, so that it logs what the other extensions let through.</summary>
    public int Priority => -1000;

    public ValueTask OnConfigure(OnConfigurePayload payload)
    {
        if (_options.OnConfigure)
        {
            LogConfigured(payload.Options.Name ?? "collab");
        }

        return default;
    }

    public ValueTask OnListen(OnListenPayload payload)
    {
        if (_options.OnConfigure)
        {
            LogListening(string.Join(", ", payload.Addresses));
        }

        return default;
    }

    public ValueTask OnRequest(OnRequestPayload payload)
    {
        if (_options.OnRequest)
        {
            LogRequest(payload.HttpContext.Request.Method, payload.HttpContext.Request.Path);
        }

        return default;
    }

    public ValueTask OnUpgrade(OnUpgradePayload payload)
    {
        if (_options.OnUpgrade)
        {
            LogUpgrade(payload.HttpContext.Request.Path, payload.Kind);
        }

        return default;
    }

    public ValueTask OnConnect(OnConnectPayload payload)
    {
        if (_options.OnConnect)
        {
            LogConnect(payload.DocumentName, payload.SocketId, payload.ProviderVersion);
        }

        return default;
    }

    public ValueTask AfterLoadDocument(OnLoadDocumentPayload payload)
    {
        if (_options.OnLoadDocument)
        {
            LogLoaded(payload.DocumentName);
        }

        return default;
    }

    public ValueTask OnChange(OnChangePayload payload)
    {
        if (_options.OnChange)
        {
            LogChanged(payload.DocumentName, payload.Update.Length, payload.TransactionOrigin);
        }

        return default;
    }

    public ValueTask AfterStoreDocument(StoreDocumentPayload payload)
    {
        if (_options.OnStoreDocument)
        {
            LogStored(payload.DocumentName, payload.State.Length);
        }

        return default;
    }

    public ValueTask OnDisconnect(OnDisconnectPayload payload)
    {
        if (_options.OnDisconnect)
        {
            LogDisconnect(payload.DocumentName, payload.SocketId, payload.Code, payload.Reason, payload.ClientsCount);
        }

        return default;
    }

    public ValueTask AfterUnloadDocument(AfterUnloadDocumentPayload payload)
    {
        if (_options.OnLoadDocument)
        {
            LogUnloaded(payload.DocumentName);
        }

        return default;
    }

    public ValueTask OnDestroy(OnDestroyPayload payload)
    {
        if (_options.OnDestroy)
        {
            LogDestroyed();
        }

        return default;
    }

    [LoggerMessage(EventId = 3500, Level = LogLevel.Information, Message = "Server {Name} configured")]
    private partial void LogConfigured(string name);

    [LoggerMessage(EventId = 3501, Level = LogLevel.Information, Message = "Listening on {Addresses}")]
    private partial void LogListening(string addresses);

    [LoggerMessage(EventId = 3502, Level = LogLevel.Information, Message = "Incoming HTTP request {Method} {Path}")]
    private partial void LogRequest(string method, PathString path);

    [LoggerMessage(EventId = 3503, Level = LogLevel.Information, Message = "Upgrading connection to {Path} ({Kind})")]
    private partial void LogUpgrade(PathString path, ConnectionKind kind);

    [LoggerMessage(EventId = 3504, Level = LogLevel.Information, Message = "New connection to {DocumentName} (socket {SocketId}, provider {ProviderVersion})")]
    private partial void LogConnect(LogText documentName, string socketId, LogText providerVersion);

    [LoggerMessage(EventId = 3505, Level = LogLevel.Information, Message = "Loaded document {DocumentName}")]
    private partial void LogLoaded(LogText documentName);

    [LoggerMessage(EventId = 3506, Level = LogLevel.Debug, Message = "Document {DocumentName} changed ({Bytes} bytes, origin {Origin})")]
    private partial void LogChanged(LogText documentName, int bytes, TransactionOrigin origin);

    [LoggerMessage(EventId = 3507, Level = LogLevel.Information, Message = "Stored document {DocumentName} ({Bytes} bytes)")]
    private partial void LogStored(LogText documentName, int bytes);

    [LoggerMessage(EventId = 3508, Level = LogLevel.Information, Message = "Connection to {DocumentName} closed (socket {SocketId}, {Code} {Reason}, {ClientsCount} remaining)")]
    private partial void LogDisconnect(LogText documentName, string socketId, int code, LogText reason, int clientsCount);

    [LoggerMessage(EventId = 3509, Level = LogLevel.Information, Message = "Unloaded document {DocumentName}")]
    private partial void LogUnloaded(LogText documentName);

    [LoggerMessage(EventId = 3510, Level = LogLevel.Information, Message = "Shut down")]
    private partial void LogDestroyed();
}
