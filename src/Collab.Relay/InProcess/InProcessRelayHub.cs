namespace Collab.Relay.InProcess;

/// <summary>
/// The meeting point of in-process relay buses: every bus attached to one hub receives what the others publish
/// (through the envelope, as over a real transport). One node alone has one bus and nobody to talk to; several server
/// instances in one process (tests, embedded setups) share a hub.
/// </summary>
public sealed class InProcessRelayHub
{
    private readonly Lock _gate = new();
    private InProcessRelayBus[] _buses = [];

    /// <summary>The hub a process uses when none is given.</summary>
    public static InProcessRelayHub Shared { get; } = new();

    /// <summary>True while messages are carried; false simulates an outage (publishes fail, nothing is delivered).</summary>
    public bool IsUp { get; set; } = true;

    internal void Attach(InProcessRelayBus bus)
    {
        lock (_gate)
        {
            _buses = [.. _buses, bus];
        }
    }

    internal void Detach(InProcessRelayBus bus)
    {
        lock (_gate)
        {
            _buses = [.. _buses.Where(b => b != bus)];
        }
    }

    internal void Deliver(InProcessRelayBus from, byte[] envelope, DateTimeOffset produced)
    {
        foreach (var bus in Volatile.Read(ref _buses))
        {
            if (bus != from)
            {
                bus.Receive(envelope, produced);
            }
        }
    }
}
