using Collab.SyncServer.Extensions.Throttle;
using Microsoft.Extensions.Options;

namespace Collab.SyncServer.Connections;

/// <summary>
/// The rate budgets of remote addresses (<see cref="SyncServerOptions.AddressMessagesPerSecond"/>,
/// <see cref="SyncServerOptions.AddressBytesPerSecond"/>): all sockets from one client address share one
/// <see cref="SocketBudget"/>, so opening more sockets does not multiply what one client may send. The address is the
/// one the Throttle extension sees (the peer, or the forwarded client behind a trusted proxy). An address's budget
/// lives while it has sockets.
/// </summary>
internal sealed class AddressBudgets(IOptions<SyncServerOptions> options, IServiceProvider services, TimeProvider time)
{
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly SyncServerOptions _options = options.Value;
    private readonly ClientAddressResolver _resolver = services.GetService<ClientAddressResolver>()
        ?? new ClientAddressResolver(Options.Create(new ThrottleOptions()));

    private bool Enabled => _options.AddressMessagesPerSecond > 0 || _options.AddressBytesPerSecond > 0;

    /// <summary>Addresses with sockets now.</summary>
    public int Count
    {
        get
        {
            lock (_entries)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>The shared budget of the request's client address (null when off); give it back with <see cref="Release"/>.</summary>
    public Entry? Acquire(HttpContext http)
    {
        if (!Enabled)
        {
            return null;
        }

        var address = _resolver.Resolve(http.Connection.RemoteIpAddress, http.Request.Headers);
        lock (_entries)
        {
            if (!_entries.TryGetValue(address, out var entry))
            {
                entry = new Entry(address, new SocketBudget(
                    _options.AddressMessagesPerSecond, Math.Max(1, _options.AddressMessageBurst),
                    _options.AddressBytesPerSecond, Math.Max(_options.MaxMessageBytes, _options.AddressByteBurst), time));
                _entries[address] = entry;
            }

            entry.Sockets++;
            return entry;
        }
    }

    /// <summary>A socket of the address closed.</summary>
    public void Release(Entry entry)
    {
        lock (_entries)
        {
            if (--entry.Sockets == 0)
            {
                _entries.Remove(entry.Address);
            }
        }
    }

    /// <summary>One address's budget, shared by its sockets (spent under its own lock: they run on different threads).</summary>
    internal sealed class Entry(string address, SocketBudget budget)
    {
        public string Address => address;

        public int Sockets { get; set; }

        public TimeSpan Spend(int bytes)
        {
            lock (budget)
            {
                return budget.Spend(bytes);
            }
        }
    }
}
