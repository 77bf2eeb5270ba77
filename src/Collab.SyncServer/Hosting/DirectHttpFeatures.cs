using System.Collections;
using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;

namespace Collab.SyncServer.Hosting;

/// <summary>
/// The request of a WebSocket upgrade answered by <see cref="DirectWebSockets"/>, as the features behind the
/// <see cref="HttpContext"/> that hooks see (request line and headers, connection addresses, abort token, request
/// services, a response whose status an onUpgrade hook may set). One object instead of a feature dictionary and
/// eight feature objects, because it lives as long as the socket.
/// </summary>
internal sealed class DirectHttpFeatures :
    IFeatureCollection,
    IHttpRequestFeature,
    IHttpResponseFeature,
    IHttpConnectionFeature,
    IHttpRequestLifetimeFeature,
    IServiceProvidersFeature,
    IQueryFeature,
    IAsyncDisposable
{
    private readonly ConnectionContext _connection;
    private readonly Lock _lock = new();
    private readonly IServiceScopeFactory _scopes;
    private AsyncServiceScope? _scope;
    private Dictionary<Type, object>? _others;
    private IHeaderDictionary? _responseHeaders;
    private IQueryCollection? _query;

    public DirectHttpFeatures(ConnectionContext connection, IServiceScopeFactory scopes, string path, string queryString, string rawTarget, IHeaderDictionary headers)
    {
        _connection = connection;
        _scopes = scopes;
        Path = path;
        QueryString = queryString;
        RawTarget = rawTarget;
        Headers = headers;
        RequestAborted = connection.ConnectionClosed;
    }

    // IFeatureCollection

    public bool IsReadOnly => false;

    /// <summary>
    /// Constant: the wrappers of <see cref="DefaultHttpContext"/> then never flush their feature caches, which is what
    /// made concurrent first reads of the request from several authentications of one socket throw. A feature added
    /// later is still found by whoever asks for it first; replacing an existing one is not seen by wrappers that
    /// already cached it (nothing in a sync session does that).
    /// </summary>
    public int Revision => 0;

    public object? this[Type key]
    {
        get
        {
            if (IsOwn(key))
            {
                return this;
            }

            lock (_lock)
            {
                return _others?.GetValueOrDefault(key);
            }
        }

        set
        {
            lock (_lock)
            {
                if (value is null)
                {
                    _others?.Remove(key);
                }
                else
                {
                    (_others ??= [])[key] = value;
                }
            }
        }
    }

    public TFeature? Get<TFeature>() => (TFeature?)this[typeof(TFeature)];

    public void Set<TFeature>(TFeature? instance) => this[typeof(TFeature)] = instance;

    public IEnumerator<KeyValuePair<Type, object>> GetEnumerator()
    {
        List<KeyValuePair<Type, object>> all;
        lock (_lock)
        {
            all = [.. _others ?? []];
        }

        foreach (var type in OwnFeatures)
        {
            if (!all.Exists(x => x.Key == type))
            {
                all.Add(new KeyValuePair<Type, object>(type, this));
            }
        }

        return all.GetEnumerator();
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private static readonly Type[] OwnFeatures =
    [
        typeof(IHttpRequestFeature), typeof(IHttpResponseFeature), typeof(IHttpConnectionFeature),
        typeof(IHttpRequestLifetimeFeature), typeof(IServiceProvidersFeature), typeof(IQueryFeature),
    ];

    private bool IsOwn(Type key)
    {
        if (Array.IndexOf(OwnFeatures, key) < 0)
        {
            return false;
        }

        lock (_lock)
        {
            return _others is null || !_others.ContainsKey(key);
        }
    }

    // IHttpRequestFeature

    public string Protocol { get; set; } = "HTTP/1.1";

    public string Scheme { get; set; } = "http";

    public string Method { get; set; } = "GET";

    public string PathBase { get; set; } = "";

    public string Path { get; set; }

    public string QueryString { get; set; }

    public string RawTarget { get; set; }

    public IHeaderDictionary Headers { get; set; }

    Stream IHttpRequestFeature.Body { get; set; } = Stream.Null;

    // IHttpResponseFeature

    public int StatusCode { get; set; } = StatusCodes.Status101SwitchingProtocols;

    public string? ReasonPhrase { get; set; }

    IHeaderDictionary IHttpResponseFeature.Headers
    {
        get => _responseHeaders ??= new HeaderDictionary();
        set => _responseHeaders = value;
    }

    [Obsolete("Use IHttpResponseBodyFeature.Stream instead.")]
    Stream IHttpResponseFeature.Body { get; set; } = Stream.Null;

    public bool HasStarted => false;

    public void OnStarting(Func<object, Task> callback, object state)
    {
    }

    public void OnCompleted(Func<object, Task> callback, object state)
    {
    }

    // IHttpConnectionFeature

    public string ConnectionId
    {
        get => _connection.ConnectionId;
        set => _connection.ConnectionId = value;
    }

    public IPAddress? RemoteIpAddress { get; set; }

    public IPAddress? LocalIpAddress { get; set; }

    public int RemotePort { get; set; }

    public int LocalPort { get; set; }

    /// <summary>Fills the addresses from the transport (a separate step so that the constructor stays cheap to read).</summary>
    public DirectHttpFeatures WithAddresses()
    {
        if (_connection.RemoteEndPoint is IPEndPoint remote)
        {
            RemoteIpAddress = remote.Address;
            RemotePort = remote.Port;
        }

        if (_connection.LocalEndPoint is IPEndPoint local)
        {
            LocalIpAddress = local.Address;
            LocalPort = local.Port;
        }

        return this;
    }

    // IQueryFeature: parsed on first use

    public IQueryCollection Query
    {
        get => _query ??= QueryString.Length <= 1 ? QueryCollection.Empty : new QueryCollection(Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(QueryString));
        set => _query = value;
    }

    // IHttpRequestLifetimeFeature

    public CancellationToken RequestAborted { get; set; }

    public void Abort() => _connection.Abort();

    // IServiceProvidersFeature: a scope only when a hook asks for request services

    public IServiceProvider RequestServices
    {
        get => (_scope ??= _scopes.CreateAsyncScope()).ServiceProvider;
        set => throw new NotSupportedException("The request services of a direct WebSocket upgrade cannot be replaced.");
    }

    public ValueTask DisposeAsync() => _scope?.DisposeAsync() ?? ValueTask.CompletedTask;
}
