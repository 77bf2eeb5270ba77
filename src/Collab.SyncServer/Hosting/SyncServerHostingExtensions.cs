using Collab.SyncServer.Connections;
using Collab.SyncServer.Documents;
using Collab.SyncServer.Hooks;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Collab.SyncServer.Hosting;

/// <summary>The entry points of the sync server feature.</summary>
public static class SyncServerHostingExtensions
{
    /// <summary>
    /// Registers the sync server: options from <c>Collab:SyncServer</c> (validated on start), the command-line
    /// flags of <see cref="SyncServerCommandLine"/>, documents, connections, hooks and the shutdown flush.
    /// </summary>
    public static IHostApplicationBuilder AddCollabSyncServer(this IHostApplicationBuilder builder, string[]? args = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (args is { Length: > 0 })
        {
            builder.Configuration.AddInMemoryCollection(SyncServerCommandLine.Parse(args));
        }

        var services = builder.Services;
        var section = builder.Configuration.GetSection(SyncServerOptions.SectionName);
        if (section.GetValue(nameof(SyncServerOptions.InlineIo), defaultValue: true))
        {
            // read once by System.Net.Sockets when the process creates its first socket (Kestrel binds later)
            Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
            services.Configure<Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets.SocketTransportOptions>(o => o.UnsafePreferInlineScheduling = true);
            var engines = SyncServerOptions.SocketEngineCount(section.GetValue(nameof(SyncServerOptions.SocketEngineThreads), defaultValue: 0), Environment.ProcessorCount);
            if (Environment.GetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_THREAD_COUNT") is null && engines > 0)
            {
                Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_THREAD_COUNT", engines.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        services.AddOptions<SyncServerOptions>()
            .Bind(builder.Configuration.GetSection(SyncServerOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SyncServerOptions>, SyncServerOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<HookChain>();
        services.TryAddSingleton<DocumentRegistry>();
        services.TryAddSingleton<ISyncDurability, StoreSyncDurability>();
        services.TryAddSingleton<UpdateLogs>();
        services.TryAddSingleton<SessionTracker>();
        services.TryAddSingleton<BroadcastFlusher>();
        services.TryAddSingleton<AddressBudgets>();
        services.TryAddSingleton<ConnectionServices>();
        services.TryAddSingleton(sp => new CollabServer(sp.GetRequiredService<DocumentRegistry>(), sp.GetRequiredService<SessionTracker>()));
        services.AddHostedService<SyncServerLifetime>();
        services.AddHostedService<MemoryReducer>();
        services.TryAddSingleton<DirectEndpoints>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>, DirectWebSocketsSetup>());

        // Kestrel tries the transport registered last first; this one hands what it does not serve to Kestrel's
        services.AddSingleton<Microsoft.AspNetCore.Connections.IConnectionListenerFactory, SyncSocketTransport>();
        return builder;
    }

    /// <summary>Maps the Hocuspocus endpoint and the y-websocket endpoint (and enables WebSockets).</summary>
    public static IEndpointRouteBuilder MapCollabSyncServer(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var options = endpoints.ServiceProvider.GetRequiredService<IOptions<SyncServerOptions>>().Value;
        if (endpoints is IApplicationBuilder app)
        {
            app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.Zero });
        }

        endpoints.Map(options.Path, SyncServerEndpoints.HandleHocuspocusAsync);
        endpoints.Map(options.YWebsocketPath.TrimEnd('/') + "/{**document}", SyncServerEndpoints.HandleYWebsocketAsync);
        return endpoints;
    }
}

/// <summary>Cross-field checks of <see cref="SyncServerOptions"/>.</summary>
internal sealed class SyncServerOptionsValidator : IValidateOptions<SyncServerOptions>
{
    public ValidateOptionsResult Validate(string? name, SyncServerOptions options)
    {
        List<string> errors = [];
        if (options.Timeout <= TimeSpan.Zero)
        {
            errors.Add("Timeout must be positive.");
        }

        if (options.Debounce < TimeSpan.Zero || options.MaxDebounce < options.Debounce)
        {
            errors.Add("Debounce must be non-negative and MaxDebounce at least Debounce.");
        }

        if (options.StoreRetryDelay <= TimeSpan.Zero || options.StoreRetryMaxDelay < options.StoreRetryDelay)
        {
            errors.Add("StoreRetryDelay must be positive and StoreRetryMaxDelay at least StoreRetryDelay.");
        }

        if (options.FlushDelay < TimeSpan.Zero)
        {
            errors.Add("FlushDelay must be non-negative.");
        }

        if (options.RelayFlushDelay < TimeSpan.Zero)
        {
            errors.Add("RelayFlushDelay must be non-negative.");
        }

        if (options.EchoDelay < TimeSpan.Zero)
        {
            errors.Add("EchoDelay must be non-negative.");
        }

        if (!options.Path.StartsWith('/') || !options.YWebsocketPath.StartsWith('/'))
        {
            errors.Add("Path and YWebsocketPath must start with '/'.");
        }

        if (options.YWebsocketPath.TrimEnd('/') == options.Path.TrimEnd('/'))
        {
            errors.Add("Path and YWebsocketPath must differ.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
