using Aspire.Hosting;
using Aspire.Hosting.Testing;

namespace CollabAppNamespace.Tests;

/// <summary>
/// The whole app model of the AppHost, started with Aspire.Hosting.Testing (the orchestrator, no dashboard): every
/// resource becomes healthy and clients on the replicas' endpoint share a document.
/// </summary>
public sealed class AppHostTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task TheAppStartsHealthyAndClientsOnItsReplicasShareADocument()
    {
        var ct = TestContext.Current.CancellationToken;
        var data = Directory.CreateTempSubdirectory("collab-apphost-");
        try
        {
            string[] args =
            [
#if (relay == "none")
                // without a relay each replica has documents of its own: one replica
                "--Replicas", "1",
#else
                "--Replicas", "2",
#endif
                "--DataDirectory", data.FullName,
#if (jwt)
                "--Parameters:jwt-secret", TestTokens.Secret,
#endif
            ];
            var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.CollabAppClass_AppHost>(
                args, (options, _) => options.DisableDashboard = true, ct);
            await using var app = await builder.BuildAsync(ct);
            await app.StartAsync(ct).WaitAsync(Patience, ct);
            await app.ResourceNotifications.WaitForResourceHealthyAsync("syncserver", ct).WaitAsync(Patience, ct);
#if (kafka)
            await app.ResourceNotifications.WaitForResourceHealthyAsync("persistence", ct).WaitAsync(Patience, ct);
#endif

            // the endpoint is the orchestrator's proxy in front of both replicas
            var endpoint = app.GetEndpoint("syncserver", "http");
            await using var alice = await YWebsocketClient.ConnectAsync(endpoint, "shared", TestTokens.Writer(), ct);
            await using var bob = await YWebsocketClient.ConnectAsync(endpoint, "shared", TestTokens.Writer(), ct);
            alice.Insert("text", 0, "from alice");
            await bob.WaitForTextAsync("text", "from alice", TimeSpan.FromSeconds(30));
            bob.Insert("text", 0, "bob and ");
            await alice.WaitForTextAsync("text", "bob and from alice", TimeSpan.FromSeconds(30));

            await using var carol = await YWebsocketClient.ConnectAsync(endpoint, "shared", TestTokens.Writer(), ct);
            await carol.WaitForTextAsync("text", "bob and from alice", TimeSpan.FromSeconds(30));
            await app.StopAsync(ct).WaitAsync(Patience, ct);
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }
}
