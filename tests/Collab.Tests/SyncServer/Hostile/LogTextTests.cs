using Collab.SyncServer.Extensions.Logger;
using Collab.SyncServer.Hooks;
using Collab.SyncServer.Telemetry;
using Collab.Tests.SyncServer.Extensions;
using Collab.Tests.SyncServer.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Collab.Tests.SyncServer.Hostile;

/// <summary>Client-chosen strings in logs: truncated, and unable to forge lines or terminal escapes.</summary>
public sealed class LogTextTests
{
    [Theory]
    [InlineData("notes", "notes")]
    [InlineData("a\r\n[INFO] forged line", @"a\u000d\u000a[INFO] forged line")]
    [InlineData("\u001b[31mred\u001b[0m", @"\u001b[31mred\u001b[0m")]
    [InlineData("back\\slash", @"back\\slash")]
    [InlineData("tab\there\u0085nel", @"tab\u0009here\u0085nel")]
    [InlineData("\u202egnp.exe", @"\u202egnp.exe")]
    [InlineData("line\u2028sep", @"line\u2028sep")]
    [InlineData("日本語 ✓ émoji 😀", "日本語 ✓ émoji 😀")]
    public void UnsafeCharactersAreEscapedAndOrdinaryTextIsKept(string value, string expected) =>
        Assert.Equal(expected, LogText.Escape(value));

    [Fact]
    public void LongValuesAreCutAndTheRestIsCounted()
    {
        var text = LogText.Escape(new string('n', 5_000_000));

        Assert.Equal(new string('n', LogText.MaxLength) + "…(+4999800 chars)", text);
        Assert.Equal("(null)", LogText.Escape(null));
    }

    [Fact]
    public async Task AHostileDocumentNameReachesTheLogCutAndEscaped()
    {
        // before: the whole name (megabytes) went into each line, CR and ANSI escapes raw
        var name = "x\r\n\u001b[2J" + new string('y', 1_000_000);
        var logger = new CapturingLogger<LoggerExtension>();
        var extension = new LoggerExtension(Options.Create(new LoggerOptions()), logger);

        await extension.OnConnect(new OnConnectPayload
        {
            Services = new ServiceCollection().BuildServiceProvider(),
            DocumentName = name,
            RequestHeaders = new HeaderDictionary(),
            RequestParameters = QueryCollection.Empty,
            SocketId = "socket-1",
            ConnectionConfig = new ConnectionConfig(),
            Context = new Dictionary<string, object?>(),
            ProviderVersion = "4.5.0\n[WARN] fake",
        });

        var entry = Assert.Single(logger.Entries);
        Assert.InRange(entry.Message.Length, 1, 1000);
        Assert.DoesNotContain('\r', entry.Message);
        Assert.DoesNotContain('\n', entry.Message);
        Assert.DoesNotContain('\u001b', entry.Message);
        Assert.Contains(@"x\u000d\u000a\u001b[2J", entry.Message, StringComparison.Ordinal);
        Assert.Contains(@"4.5.0\u000a[WARN] fake", entry.Message, StringComparison.Ordinal);
        Assert.Contains("…(+", entry.Message, StringComparison.Ordinal);
    }
}

/// <summary>How many log lines one socket's messages can cause.</summary>
public sealed class SocketLogBudgetTests
{
    [Fact]
    public async Task ASocketSendingHundredsOfUnknownMessagesCausesABoundedNumberOfLogLines()
    {
        await using var host = await SyncServerHost.StartAsync();
        await using var client = await host.ConnectAsync();
        await client.JoinAsync("doc");

        for (var i = 0; i < 300; i++)
        {
            await client.SendAsync(Collab.Tests.SyncServer.Support.Messages.Bare("doc", (Collab.SyncServer.Protocol.MessageType)99));
        }

        await client.RoundTripAsync("doc");

        var unknown = host.App.Log.Text.Split('\n').Count(l => l.Contains("[1114]", StringComparison.Ordinal));
        var suppressed = host.App.Log.Text.Split('\n').Count(l => l.Contains("[1147]", StringComparison.Ordinal));
        Assert.Equal(SocketLogBudgetLimit, unknown);
        Assert.Equal(1, suppressed);
    }

    private const int SocketLogBudgetLimit = 20;
}

/// <summary>How many awareness states one connection can make a document hold.</summary>
public sealed class AwarenessClaimTests
{
    [Fact]
    public async Task AConnectionClaimingAThousandAwarenessIdsGetsItsLimitAndTheRestOfTheDocumentIsUntouched()
    {
        await using var host = await SyncServerHost.StartAsync(new Dictionary<string, string?> { ["MaxAwarenessStatesPerConnection"] = "4" });
        await using var honest = await host.ConnectAsync();
        await honest.JoinAsync("doc");
        await honest.SendAsync(Messages.Awareness("doc", Messages.AwarenessState(7, 1, "{\"user\":\"honest\"}")));
        await using var hostile = await host.ConnectAsync();
        await hostile.JoinAsync("doc");

        var claims = Enumerable.Range(1000, 1000).Select(id => new Collab.Yjs.Protocols.AwarenessUpdateEntry((ulong)id, 1, Collab.Yjs.Lib0.JsJson.Parse("{\"user\":\"fake\"}")));
        await hostile.SendAsync(Messages.Awareness("doc", Collab.Yjs.Protocols.AwarenessUpdate.Encode(claims)));
        // and the honest one's id, which it does not own
        await hostile.SendAsync(Messages.Awareness("doc", Messages.AwarenessState(7, 2, "{\"user\":\"forged\"}")));
        await hostile.RoundTripAsync("doc");

        var states = host.App.Services.GetRequiredService<Collab.SyncServer.Documents.DocumentRegistry>().Find("doc")!.Awareness.GetStates();
        Assert.Equal(5, states.Count);
        Assert.Contains("honest", Collab.Yjs.Lib0.JsJson.Stringify(states[7]), StringComparison.Ordinal);

        // removing its own states frees its claims
        await hostile.SendAsync(Messages.Awareness("doc", Collab.Yjs.Protocols.AwarenessUpdate.Encode(
            states.Keys.Where(id => id != 7).Select(id => new Collab.Yjs.Protocols.AwarenessUpdateEntry(id, 2, null)))));
        await hostile.SendAsync(Messages.Awareness("doc", Messages.AwarenessState(5000, 1, "{\"user\":\"again\"}")));
        await hostile.RoundTripAsync("doc");
        Assert.Equal([7UL, 5000UL], host.App.Services.GetRequiredService<Collab.SyncServer.Documents.DocumentRegistry>().Find("doc")!.Awareness.GetStates().Keys.Order());
    }
}
