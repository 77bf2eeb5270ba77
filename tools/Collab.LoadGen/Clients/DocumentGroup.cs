using Collab.LoadGen.Measurement;

namespace Collab.LoadGen.Clients;

/// <summary>The clients of one document: their Yjs client ids and the log of what each sent.</summary>
internal sealed class DocumentGroup
{
    private readonly Dictionary<long, int> _indexByClientId = [];
    private int _synced;

    public DocumentGroup(string name, int clients, Random random)
    {
        Name = name;
        ClientIds = new long[clients];
        Logs = new SendLog[clients];
        for (var i = 0; i < clients; i++)
        {
            long id;
            do
            {
                id = random.NextInt64(1, uint.MaxValue);
            }
            while (_indexByClientId.ContainsKey(id));

            ClientIds[i] = id;
            Logs[i] = new SendLog();
            _indexByClientId[id] = i;
        }
    }

    public string Name { get; }

    public long[] ClientIds { get; }

    public SendLog[] Logs { get; }

    /// <summary>Clients of this document that finished their handshake (the receivers of each insert).</summary>
    public int Synced => Volatile.Read(ref _synced);

    public void CountSynced() => Interlocked.Increment(ref _synced);

    public bool TryGetIndex(long clientId, out int index) => _indexByClientId.TryGetValue(clientId, out index);
}
