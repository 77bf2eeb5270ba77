using System.Net;
using Microsoft.Extensions.Options;

namespace Collab.SyncServer.Extensions.Throttle;

/// <summary>The client IP of a request: the peer address, or a forwarded address when the proxy is trusted.</summary>
internal sealed class ClientAddressResolver(IOptions<ThrottleOptions> options)
{
    private readonly HashSet<IPAddress> _knownProxies = [.. options.Value.KnownProxies.Select(Parse).OfType<IPAddress>()];

    public string Resolve(IPAddress? peer, IHeaderDictionary headers)
    {
        var normalizedPeer = peer is null ? null : Normalize(peer);
        if (options.Value.TrustProxyHeaders)
        {
            if (headers["X-Real-IP"].ToString() is { Length: > 0 } real && Parse(real) is { } realIp)
            {
                return realIp.ToString();
            }

            var first = Forwarded(headers).FirstOrDefault();
            if (first is not null)
            {
                return first.ToString();
            }
        }
        else if (normalizedPeer is not null && _knownProxies.Contains(normalizedPeer))
        {
            foreach (var address in Enumerable.Reverse(Forwarded(headers)))
            {
                if (!_knownProxies.Contains(address))
                {
                    return address.ToString();
                }
            }
        }

        return normalizedPeer?.ToString() ?? "";
    }

    private static List<IPAddress> Forwarded(IHeaderDictionary headers) =>
        [.. headers["X-Forwarded-For"].SelectMany(v => (v ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).Select(Parse).OfType<IPAddress>()];

    private static IPAddress? Parse(string text) => IPAddress.TryParse(text, out var address) ? Normalize(address) : null;

    private static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
