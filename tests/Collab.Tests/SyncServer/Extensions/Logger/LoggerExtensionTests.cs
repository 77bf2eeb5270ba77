using Collab.SyncServer.Extensions.Logger;
using Collab.SyncServer.Hooks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Collab.Tests.SyncServer.Extensions.Logger;

public sealed class LoggerExtensionTests
{
    private static OnConnectPayload Connect() => new()
    {
        Services = new ServiceCollection().BuildServiceProvider(),
        DocumentName = "notes",
        RequestHeaders = new HeaderDictionary(),
        RequestParameters = QueryCollection.Empty,
        SocketId = "socket-1",
        ConnectionConfig = new ConnectionConfig(),
        Context = new Dictionary<string, object?>(),
        ProviderVersion = "4.5.0",
    };

    [Fact]
    public async Task ConnectionsAreLoggedWithStructuredValues()
    {
        var logger = new CapturingLogger<LoggerExtension>();
        var extension = new LoggerExtension(Options.Create(new LoggerOptions()), logger);

        await extension.OnConnect(Connect());

        var entry = Assert.Single(logger.Entries);
        Assert.Equal((LogLevel.Information, 3504), (entry.Level, entry.EventId));
        Assert.Equal("notes", entry.Values["DocumentName"]?.ToString());
        Assert.Equal("socket-1", entry.Values["SocketId"]);
        Assert.Equal("4.5.0", entry.Values["ProviderVersion"]?.ToString());
    }

    [Fact]
    public async Task ChangesAreLoggedAtDebugLevel()
    {
        var logger = new CapturingLogger<LoggerExtension>();
        var extension = new LoggerExtension(Options.Create(new LoggerOptions()), logger);

        await extension.OnChange(new OnChangePayload
        {
            Services = new ServiceCollection().BuildServiceProvider(), DocumentName = "notes", Document = new FakeDocument("notes"),
            Update = [1, 2, 3], TransactionOrigin = new LocalOrigin(), Context = new Dictionary<string, object?>(), ClientsCount = 1,
        });

        var entry = Assert.Single(logger.Entries);
        Assert.Equal((LogLevel.Debug, 3506, 3), (entry.Level, entry.EventId, (int)entry.Values["Bytes"]!));
    }

    [Fact]
    public async Task SwitchedOffEventsAreNotLogged()
    {
        var logger = new CapturingLogger<LoggerExtension>();
        var extension = new LoggerExtension(Options.Create(new LoggerOptions { OnConnect = false }), logger);

        await extension.OnConnect(Connect());

        Assert.Empty(logger.Entries);
    }
}
