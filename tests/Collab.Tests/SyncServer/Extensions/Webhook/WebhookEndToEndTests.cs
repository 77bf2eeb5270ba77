using Collab.SyncServer.Extensions.Webhook;
using Collab.Tests.SyncServer.Support;

namespace Collab.Tests.SyncServer.Extensions.Webhook;

public sealed class WebhookEndToEndTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task AClientSessionProducesConnectChangeAndDisconnectEvents()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var receiver = await WebhookReceiver.StartAsync(ct);
        receiver.AnswerJson = """{"role":"editor"}""";
        await using var server = await ExtensionServer.StartAsync(_folder.File("collab.db"), new Dictionary<string, string?>
        {
            ["Collab:Webhook:Url"] = receiver.Url.ToString(),
            ["Collab:Webhook:Secret"] = "s3cret",
            ["Collab:Webhook:Events"] = "connect,change,disconnect",
            ["Collab:Webhook:Debounce"] = "00:00:00",
        });

        await using (var client = await server.ConnectAsync())
        {
            await client.JoinAsync("doc");
            var connect = await receiver.NextAsync(ct);
            Assert.Equal("connect", (string?)connect.Json["event"]);
            Assert.Equal(WebhookSender.Sign("s3cret", connect.Body), connect.Signature);

            await client.SendAsync(Messages.Update("doc", Messages.TextInsert("hello")));
            var change = await receiver.NextAsync(ct);
            Assert.Equal("change", (string?)change.Json["event"]);
            Assert.Equal("hello", (string?)change.Json["payload"]!["document"]!["t"]);
            Assert.Equal("editor", (string?)change.Json["payload"]!["context"]!["role"]);
        }

        var disconnect = await receiver.NextAsync(ct);
        Assert.Equal("disconnect", (string?)disconnect.Json["event"]);
        Assert.Equal("editor", (string?)disconnect.Json["payload"]!["context"]!["role"]);
    }
}
