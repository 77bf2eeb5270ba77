using Collab.SyncServer.Extensions.Logger;
using Collab.SyncServer.Hooks;
using Collab.SyncServer.Telemetry;
using Collab.Tests.SyncServer.Extensions;
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
