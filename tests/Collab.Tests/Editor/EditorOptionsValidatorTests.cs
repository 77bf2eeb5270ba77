using Collab.SyncServer;
using Collab.SyncServer.Api;
using Collab.SyncServer.Editor;
using Microsoft.Extensions.Options;

namespace Collab.Tests.Editor;

/// <summary>The editor page's path: its form, and no route shared with the server's other endpoints.</summary>
public sealed class EditorOptionsValidatorTests
{
    [Theory]
    [InlineData("/editor")]
    [InlineData("/docs/editor/")]
    [InlineData("/ywsx")]
    [InlineData("/apis")]
    public void APathOfItsOwnIsAccepted(string path) =>
        Assert.True(Validate(path).Succeeded);

    [Theory]
    [InlineData("editor", "must start with '/'")]
    [InlineData("/", "must start with '/'")]
    [InlineData("/editor ", "must be segments")]
    [InlineData("//editor", "must be segments")]
    [InlineData("/a/../editor", "must be segments")]
    [InlineData("/a:b", "must be segments")]
    [InlineData("/editor?x", "must be segments")]
    [InlineData("/ed%20itor", "must be segments")]
    [InlineData("/yws", "Collab:SyncServer:YWebsocketPath")]
    [InlineData("/YWS/pages", "Collab:SyncServer:YWebsocketPath")]
    [InlineData("/api", "Collab:Api:Path")]
    [InlineData("/api/editor", "Collab:Api:Path")]
    [InlineData("/health", "readiness probe")]
    [InlineData("/alive/", "liveness probe")]
    public void APathThatSharesARouteIsRefusedWithTheSettingItOverlaps(string path, string named)
    {
        var result = Validate(path);
        Assert.True(result.Failed);
        Assert.Contains(named, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void TheOtherEndpointsMovedAwayFreeTheirPaths()
    {
        var result = Validate("/api", new SyncServerOptions(), new ApiOptions { Path = "/operator" });
        Assert.True(result.Succeeded);
        result = Validate("/collab", new SyncServerOptions { Path = "/collab/sync" }, new ApiOptions());
        Assert.True(result.Failed);
        Assert.Contains("Collab:SyncServer:Path", result.FailureMessage, StringComparison.Ordinal);
    }

    private static ValidateOptionsResult Validate(string path, SyncServerOptions? syncServer = null, ApiOptions? api = null) =>
        new EditorOptionsValidator(Options.Create(syncServer ?? new SyncServerOptions()), Options.Create(api ?? new ApiOptions()))
            .Validate(null, new EditorOptions { Path = path });
}
