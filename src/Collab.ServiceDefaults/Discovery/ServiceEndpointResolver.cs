using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Collab.ServiceDefaults.Discovery;

/// <summary>
/// Resolves logical service addresses from configuration the way Aspire does: <c>http://persistence/x</c> becomes
/// one of the URLs under <c>services:persistence:http:0</c>, <c>:1</c>… (environment variables
/// <c>services__persistence__http__0</c>), chosen round-robin. <c>https+http://name</c> prefers https endpoints and
/// falls back to http; <c>http://_grpc.name</c> picks the endpoint named <c>grpc</c>. Hosts without a
/// <c>services:{name}</c> section are left alone. Configuration is read on each call, so reloaded endpoints apply.
/// </summary>
/// <param name="configuration">Where the <c>services</c> section lives.</param>
public sealed class ServiceEndpointResolver(IConfiguration configuration)
{
    private readonly ConcurrentDictionary<string, int> _cursors = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Resolves <paramref name="address"/> if its host names a configured service.</summary>
    /// <param name="address">A logical address such as <c>http://persistence/documents/a</c>.</param>
    /// <param name="resolved">The physical address, with the original path and query.</param>
    /// <returns>False when the host is not a configured service (use the address as it is).</returns>
    /// <exception cref="InvalidOperationException">The service is configured but has no endpoint the scheme allows.</exception>
    public bool TryResolve(Uri address, out Uri resolved)
    {
        ArgumentNullException.ThrowIfNull(address);
        resolved = address;
        if (!address.IsAbsoluteUri)
        {
            return false;
        }

        var (service, endpointName) = SplitHost(address.IdnHost);
        var section = configuration.GetSection("services").GetSection(service);
        if (!section.Exists())
        {
            return false;
        }

        var schemes = address.Scheme.Split('+');
        var endpoint = PickEndpoint(section, service, endpointName, schemes)
            ?? throw new InvalidOperationException(
                $"Service '{service}' is configured but has no endpoint for '{address.Scheme}://{address.Host}' " +
                $"(expected services:{service}:{endpointName ?? schemes[0]}:0).");

        var builder = new UriBuilder(address) { Scheme = endpoint.Scheme, Host = endpoint.Host, Port = endpoint.Port };
        var basePath = endpoint.AbsolutePath.TrimEnd('/');
        if (basePath.Length > 0)
        {
            builder.Path = basePath + address.AbsolutePath;
        }

        resolved = builder.Uri;
        return true;
    }

    /// <summary>Every endpoint configured for <paramref name="service"/> under <paramref name="endpointName"/>.</summary>
    public IReadOnlyList<Uri> GetEndpoints(string service, string endpointName) =>
        ReadEndpoints(configuration.GetSection("services").GetSection(service).GetSection(endpointName));

    private Uri? PickEndpoint(IConfigurationSection section, string service, string? endpointName, string[] schemes)
    {
        // Explicit endpoint name: that endpoint, any of the allowed schemes in preference order.
        // Otherwise: each scheme names an endpoint ("http", "https"), in preference order, then "default".
        var names = endpointName is not null ? [endpointName] : schemes.Append("default");
        foreach (var name in names)
        {
            var all = ReadEndpoints(section.GetSection(name));
            foreach (var scheme in schemes)
            {
                var matching = all.Where(e => string.Equals(e.Scheme, scheme, StringComparison.OrdinalIgnoreCase)).ToList();
                if (matching.Count > 0)
                {
                    var cursor = _cursors.AddOrUpdate($"{service}/{name}/{scheme}", 0, (_, value) => unchecked(value + 1));
                    return matching[(int)((uint)cursor % (uint)matching.Count)];
                }
            }
        }

        return null;
    }

    private static List<Uri> ReadEndpoints(IConfigurationSection endpoint)
    {
        var values = endpoint.Value is { Length: > 0 } single
            ? [single]
            : endpoint.GetChildren()
                .OrderBy(child => int.TryParse(child.Key, NumberStyles.None, CultureInfo.InvariantCulture, out var index) ? index : int.MaxValue)
                .Select(child => child.Value)
                .OfType<string>();
        var endpoints = new List<Uri>();
        foreach (var value in values)
        {
            if (!Uri.TryCreate(value, UriKind.Absolute, out var uri))
            {
                throw new InvalidOperationException($"Service endpoint '{endpoint.Path}' = '{value}' is not an absolute URL.");
            }

            endpoints.Add(uri);
        }

        return endpoints;
    }

    private static (string Service, string? Endpoint) SplitHost(string host)
    {
        if (host.StartsWith('_'))
        {
            var dot = host.IndexOf('.', StringComparison.Ordinal);
            if (dot > 1)
            {
                return (host[(dot + 1)..], host[1..dot]);
            }
        }

        return (host, null);
    }
}
