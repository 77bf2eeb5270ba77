using Collab.LoadGen.Measurement;

namespace Collab.LoadGen.Clients;

/// <summary>The clients of one document: their Yjs client ids, the replica each connects to, and the log of what each sent.</summary>
internal sealed class DocumentGroup
{
    private readonly Dictionary<long, int> _indexByClientId = [];
    private int _synced;

    /// <param name="name">The document's name.</param>
    /// <param name="clients">How many clients edit it.</param>
    /// <param name="random">Source of the Yjs client ids.</param>
    /// <param name="replicas">Replicas the clients are spread over: client k connects to replica (k + <paramref name="firstReplica"/>) mod <paramref name="replicas"/>.</param>
    /// <param name="firstReplica">The replica of client 0 (the document's index, so documents start on different replicas).</param>
    public DocumentGroup(string name, int clients, Random random, int replicas = 1, int firstReplica = 0)
    {
        Name = name;
        ReplicaCount = Math.Max(1, replicas);
        ClientIds = new long[clients];
        Logs = new SendLog[clients];
        Replicas = new int[clients];
        for (var i = 0; i < clients; i++)
        {
            long id;
            do
            {
                id = random.NextInt64(1, uint.MaxValue);
            }
            while (_indexByClientId.ContainsKey(id));

            ClientIds[i] = id;
            Replicas[i] = (i + firstReplica) % ReplicaCount;
            Logs[i] = new SendLog();
            _indexByClientId[id] = i;
        }
    }

    public string Name { get; }

    public long[] ClientIds { get; }

    public SendLog[] Logs { get; }

    /// <summary>The replica each client connects to (all 0 with one server).</summary>
    public int[] Replicas { get; }

    public int ReplicaCount { get; }

    /// <summary>Whether <paramref name="sender"/>'s inserts reach <paramref name="receiver"/> through another replica.</summary>
    public bool CrossReplica(int sender, int receiver) => Replicas[sender] != Replicas[receiver];

    /// <summary>Clients of this document that finished their handshake (the receivers of each insert).</summary>
    public int Synced => Volatile.Read(ref _synced);

    public void CountSynced() => Interlocked.Increment(ref _synced);

    public bool TryGetIndex(long clientId, out int index) => _indexByClientId.TryGetValue(clientId, out index);
}
