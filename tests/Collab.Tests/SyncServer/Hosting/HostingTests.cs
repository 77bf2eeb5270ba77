using System.Diagnostics.Metrics;
using System.Net;
using System.Net.WebSockets;
using Collab.SyncServer.Hooks;
using Collab.SyncServer.Hosting;
using Collab.SyncServer.Protocol;
using Collab.SyncServer.Telemetry;
using Collab.Tests.SyncServer.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Collab.Tests.SyncServer.Hosting;

public sealed class HostingTests
{
    private sealed class Gatekeeper : ICollabExtension
    {
        public async ValueTask OnRequest(OnRequestPayload payload)
        {
            if (payload.HttpContext.Request.Query.ContainsKey("custom"))
            {
                await payload.HttpContext.Response.WriteAsync("custom answer", payload.HttpContext.RequestAborted);
                payload.Handled = true;
            }
        }

        public ValueTask OnUpgrade(OnUpgradePayload payload) =>
            payload.HttpContext.Request.Query.ContainsKey("blocked") ? throw new CollabRejectException(CloseCodes.Unauthorized, "no") : default;
    }

    [Fact]
    public async Task PlainRequestsGetTheWelcomeUnlessAnOnRequestHookAnswers()
    {
        await using var host = await SyncServerHost.StartAsync(extensions: new Gatekeeper());
        using var http = new HttpClient { BaseAddress = host.App.Address };

        Assert.Equal("Welcome to Hocuspocus!", await http.GetStringAsync("/", TestContext.Current.CancellationToken));
        Assert.Equal("custom answer", await http.GetStringAsync("/?custom=1", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task AnOnUpgradeHookCanRefuseTheWebSocket()
    {
        await using var host = await SyncServerHost.StartAsync(extensions: new Gatekeeper());
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;

        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(new Uri(host.HocuspocusUri + "?blocked=1"), TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.Unauthorized, socket.HttpStatusCode);
    }

    [Fact]
    public async Task InconsistentOptionsStopTheServerFromStarting()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => SyncServerHost.StartAsync(new Dictionary<string, string?>
        {
            ["Debounce"] = "00:00:05",
            ["MaxDebounce"] = "00:00:01",
        }));

        Assert.Contains("MaxDebounce", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ANegativeRelayFlushDelayStopsTheServerFromStarting()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => SyncServerHost.StartAsync(new Dictionary<string, string?>
        {
            ["RelayFlushDelay"] = "-00:00:01",
        }));

        Assert.Contains("RelayFlushDelay must be non-negative", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ConfigurationIsNotReloadedOnFileChangesUnlessAskedFor()
    {
        static string? None(string name) => null;

        Assert.Equal(["--port", "1", "--hostBuilder:reloadConfigOnChange=false"], SyncServerCommandLine.HostArguments(["--port", "1"], None));
        Assert.Equal(["--hostBuilder:reloadConfigOnChange=true"], SyncServerCommandLine.HostArguments(["--hostBuilder:reloadConfigOnChange=true"], None));
        Assert.Empty(SyncServerCommandLine.HostArguments([], name => name == "DOTNET_hostBuilder__reloadConfigOnChange" ? "true" : null));

        // the host really builds without a configuration file watcher
        var builder = Microsoft.AspNetCore.Builder.WebApplication.CreateBuilder(SyncServerCommandLine.HostArguments([], None));
        var json = builder.Configuration.Sources.OfType<Microsoft.Extensions.Configuration.Json.JsonConfigurationSource>().ToList();
        Assert.NotEmpty(json);
        Assert.All(json, source => Assert.False(source.ReloadOnChange));
    }

    [Fact]
    public void CommandLineFlagsMapOntoTheConfiguration()
    {
        var values = SyncServerCommandLine.Parse(["--port", "4321", "--timeout=5000", "--debounce", "100", "--max-debounce", "900", "--logged-max-debounce", "45000", "--sqlite", "--name", "n1"]);

        Assert.Equal("http://localhost:4321", values["urls"]);
        Assert.Equal("00:00:05", values["Collab:SyncServer:Timeout"]);
        Assert.Equal("00:00:00.1000000", values["Collab:SyncServer:Debounce"]);
        Assert.Equal("00:00:00.9000000", values["Collab:SyncServer:MaxDebounce"]);
        Assert.Equal("00:00:45", values["Collab:SyncServer:LoggedMaxDebounce"]);
        Assert.Equal("", values[SyncServerCommandLine.SqliteKey]);
        Assert.Equal("n1", values["Collab:SyncServer:Name"]);
        Assert.Equal("data.db", SyncServerCommandLine.Parse(["--sqlite", "data.db"])[SyncServerCommandLine.SqliteKey]);
        Assert.Throws<FormatException>(() => SyncServerCommandLine.Parse(["--timeout"]));
    }

    [Fact]
    public async Task TheServerReportsConnectionsDocumentsAndTrafficThroughItsMeter()
    {
        // other tests run in parallel and share the meter, so look for positive measurements, not totals
        var seen = new HashSet<string>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == SyncServerTelemetry.Name)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            if (value > 0)
            {
                lock (seen)
                {
                    seen.Add(instrument.Name);
                }
            }
        });
        listener.Start();
        await using var host = await SyncServerHost.StartAsync();
        await using var client = await host.ConnectAsync();

        await client.JoinAsync("metered");
        await client.SendAsync(Messages.Update("metered", Messages.TextInsert("m")));
        await client.WaitForAsync(MessageType.SyncStatus);

        lock (seen)
        {
            Assert.Superset(new HashSet<string> { "collab.syncserver.messages.in", "collab.syncserver.bytes.out", "collab.syncserver.connections", "collab.syncserver.documents", "collab.syncserver.sockets" }, seen);
        }
    }
}
