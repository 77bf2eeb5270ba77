using System.Diagnostics.CodeAnalysis;
using Collab.Yjs;

namespace Collab.SyncServer.Hooks;

/// <summary>What every hook payload carries: the services of the server ("instance" in Hocuspocus).</summary>
public abstract class HookPayload
{
    /// <summary>The server's services.</summary>
    public required IServiceProvider Services { get; init; }
}

/// <summary>Payload of OnConfigure.</summary>
public sealed class OnConfigurePayload : HookPayload
{
    /// <summary>The validated server options.</summary>
    public required SyncServerOptions Options { get; init; }
}

/// <summary>Payload of OnListen.</summary>
public sealed class OnListenPayload : HookPayload
{
    /// <summary>The validated server options.</summary>
    public required SyncServerOptions Options { get; init; }

    /// <summary>The addresses the server listens on.</summary>
    public required IReadOnlyList<string> Addresses { get; init; }
}

/// <summary>Payload of OnRequest.</summary>
public sealed class OnRequestPayload : HookPayload
{
    /// <summary>The HTTP request and response.</summary>
    public required HttpContext HttpContext { get; init; }

    /// <summary>Set when a hook answered the request: the default answer is then suppressed.</summary>
    public bool Handled { get; set; }
}

/// <summary>Payload of OnUpgrade.</summary>
public sealed class OnUpgradePayload : HookPayload
{
    /// <summary>The upgrade request.</summary>
    public required HttpContext HttpContext { get; init; }

    /// <summary>The client kind the endpoint serves.</summary>
    public required ConnectionKind Kind { get; init; }
}

/// <summary>The per-address data of a connection that is being established (protocol.md §7.2.2).</summary>
public class ConnectionPayload : HookPayload
{
    /// <summary>An empty payload, filled with an object initializer.</summary>
    public ConnectionPayload()
    {
    }

    /// <summary>The same connection data as <paramref name="source"/> (every hook of one connection sees the same request, config and context).</summary>
    [SetsRequiredMembers]
    protected ConnectionPayload(ConnectionPayload source)
    {
        ArgumentNullException.ThrowIfNull(source);
        Services = source.Services;
        DocumentName = source.DocumentName;
        Request = source.Request;
        RequestHeaders = source.RequestHeaders;
        RequestParameters = source.RequestParameters;
        SocketId = source.SocketId;
        ConnectionConfig = source.ConnectionConfig;
        Context = source.Context;
        ProviderVersion = source.ProviderVersion;
        Kind = source.Kind;
    }

    /// <summary>The document name.</summary>
    public required string DocumentName { get; init; }

    /// <summary>The HTTP context of the upgrade request (null for direct connections).</summary>
    public HttpContext? Request { get; init; }

    /// <summary>Headers of the upgrade request.</summary>
    public required IHeaderDictionary RequestHeaders { get; init; }

    /// <summary>Query parameters of the upgrade request.</summary>
    public required IQueryCollection RequestParameters { get; init; }

    /// <summary>Id of the WebSocket ("server" for direct connections).</summary>
    public required string SocketId { get; init; }

    /// <summary>Read-only and authenticated flags; hooks may set <see cref="ConnectionConfig.ReadOnly"/>.</summary>
    public required ConnectionConfig ConnectionConfig { get; init; }

    /// <summary>The connection context: hooks add entries here; later hooks and the connection see them.</summary>
    public required IDictionary<string, object?> Context { get; init; }

    /// <summary>The provider version from the Auth message, when the client sent one.</summary>
    public string? ProviderVersion { get; init; }

    /// <summary>The client kind.</summary>
    public ConnectionKind Kind { get; init; }
}

/// <summary>Payload of OnConnect.</summary>
public sealed class OnConnectPayload : ConnectionPayload;

/// <summary>Payload of OnAuthenticate.</summary>
public sealed class OnAuthenticatePayload : ConnectionPayload
{
    /// <summary>An empty payload, filled with an object initializer.</summary>
    public OnAuthenticatePayload()
    {
    }

    /// <summary>The connection data of <paramref name="source"/> with the client's token.</summary>
    [SetsRequiredMembers]
    public OnAuthenticatePayload(ConnectionPayload source, string token)
        : base(source) => Token = token;

    /// <summary>The token sent by the client ("" when none; for y-websocket clients taken from the query or header).</summary>
    public required string Token { get; init; }
}

/// <summary>Payload of OnCreateDocument.</summary>
public sealed class OnCreateDocumentPayload : ConnectionPayload
{
    /// <summary>An empty payload, filled with an object initializer.</summary>
    public OnCreateDocumentPayload()
    {
    }

    /// <summary>The connection data of the first joiner with the options of the document to create.</summary>
    [SetsRequiredMembers]
    public OnCreateDocumentPayload(ConnectionPayload source, DocOptions documentOptions)
        : base(source) => DocumentOptions = documentOptions;

    /// <summary>Options of the Yjs document about to be created; a hook may replace them.</summary>
    public required DocOptions DocumentOptions { get; set; }
}

/// <summary>A payload about a document.</summary>
public class DocumentPayload : HookPayload
{
    /// <summary>The document name.</summary>
    public required string DocumentName { get; init; }

    /// <summary>The server document.</summary>
    public required ICollabDocument Document { get; init; }
}

/// <summary>Payload of OnLoadDocument and AfterLoadDocument: the connection data of the first joiner plus the (not yet visible) document.</summary>
public sealed class OnLoadDocumentPayload : ConnectionPayload
{
    /// <summary>An empty payload, filled with an object initializer.</summary>
    public OnLoadDocumentPayload()
    {
    }

    /// <summary>The connection data of the first joiner with the document being loaded.</summary>
    [SetsRequiredMembers]
    public OnLoadDocumentPayload(ConnectionPayload source, ICollabDocument document)
        : base(source) => Document = document;

    /// <summary>The server document being loaded; apply stored state to <see cref="ICollabDocument.Doc"/> (no lock needed while loading).</summary>
    public required ICollabDocument Document { get; init; }
}

/// <summary>Payload of Connected.</summary>
public sealed class ConnectedPayload : ConnectionPayload
{
    /// <summary>An empty payload, filled with an object initializer.</summary>
    public ConnectedPayload()
    {
    }

    /// <summary>The connection data the connection was established with, the connection and its document.</summary>
    [SetsRequiredMembers]
    public ConnectedPayload(ConnectionPayload source, ICollabConnection connection, ICollabDocument document)
        : base(source)
    {
        Connection = connection;
        Document = document;
    }

    /// <summary>The established connection.</summary>
    public required ICollabConnection Connection { get; init; }

    /// <summary>The document.</summary>
    public required ICollabDocument Document { get; init; }
}
