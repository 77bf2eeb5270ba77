using Collab.SyncServer.Hooks;
using Collab.Yjs;
using Collab.Yjs.Protocols;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;

namespace Collab.Tests.SyncServer.Extensions;

internal sealed class FakeEnvironment(string contentRoot) : IHostEnvironment
{
    public string EnvironmentName { get; set; } = Environments.Production;

    public string ApplicationName { get; set; } = "collab-tests";

    public string ContentRootPath { get; set; } = contentRoot;

    public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
}

/// <summary>A document connection that records what the server asked of it.</summary>
internal sealed class FakeConnection(string documentName, ICollabDocument? document = null) : ICollabConnection
{
    private int _tokenRequests;

    public string SocketId { get; } = Guid.NewGuid().ToString();

    public string DocumentName { get; } = documentName;

    public string Address => DocumentName;

    public ConnectionKind Kind => ConnectionKind.Hocuspocus;

    public ConnectionConfig Config { get; } = new() { IsAuthenticated = true };

    public IDictionary<string, object?> Context { get; } = new Dictionary<string, object?>();

    public IHeaderDictionary RequestHeaders { get; } = new HeaderDictionary();

    public IQueryCollection RequestParameters { get; } = QueryCollection.Empty;

    public ICollabDocument Document => document ?? throw new InvalidOperationException("No document.");

    public bool IsClosed => ClosedWith is not null;

    public (int Code, string Reason)? ClosedWith { get; private set; }

    public int TokenRequests => Volatile.Read(ref _tokenRequests);

    public List<string> Stateless { get; } = [];

    public void SendStateless(string payload) => Stateless.Add(payload);

    public void RequestToken() => Interlocked.Increment(ref _tokenRequests);

    public void Close(int code = CloseCodes.ResetConnection, string reason = "Reset Connection") => ClosedWith ??= (code, reason);
}

/// <summary>A document without a server around it: changes go straight to the Yjs document.</summary>
internal sealed class FakeDocument(string name) : ICollabDocument
{
    private readonly Lock _lock = new();

    public string Name { get; } = name;

    public Doc Doc { get; } = new();

    public Awareness Awareness => field ??= new Awareness(Doc);

    public int ConnectionCount => Connections.Count;

    public List<ICollabConnection> ConnectionList { get; } = [];

    public IReadOnlyCollection<ICollabConnection> Connections => ConnectionList;

    public T Read<T>(Func<Doc, T> read)
    {
        lock (_lock)
        {
            return read(Doc);
        }
    }

    public void Transact(Action<Transaction> change, TransactionOrigin origin)
    {
        lock (_lock)
        {
            Doc.Transact(origin, change);
        }
    }

    public void ApplyUpdate(byte[] update, TransactionOrigin origin)
    {
        lock (_lock)
        {
            Doc.ApplyUpdate(update, origin);
        }
    }

    public void ApplyAwarenessUpdate(byte[] update, TransactionOrigin origin) => throw new NotSupportedException();

    public void BroadcastStateless(string payload, Func<ICollabConnection, bool>? filter = null) => throw new NotSupportedException();

    public void DeliverStateless(string payload) => throw new NotSupportedException();
}
