namespace Collab.Tests.SyncServer.E2E;

/// <summary>Scenarios that stop and restart the built server (a child process with a SQLite file).</summary>
public sealed class RestartScenarioTests
{
    private static readonly TimeSpan ScenarioTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task AcknowledgedDocumentsSurviveAServerKillAndRestart()
    {
        var ct = TestContext.Current.CancellationToken;
        using var folder = new TemporaryFolder();
        var database = folder.File("collab.db");
        var doc = "persistence-" + Guid.NewGuid().ToString("N");

        await using (var first = await SyncServerProcess.StartAsync(database, ct))
        {
            (await NodeScenario.RunAsync("persistence.mjs", first.Address, ScenarioTimeout, ct, "--phase", "write", "--doc", doc)).AssertPassed();
        }

        await using var second = await SyncServerProcess.StartAsync(database, ct);
        (await NodeScenario.RunAsync("persistence.mjs", second.Address, ScenarioTimeout, ct, "--phase", "read", "--doc", doc)).AssertPassed();
    }

    [Fact]
    public async Task GracefulShutdownLosesNoAcknowledgedEdit()
    {
        var ct = TestContext.Current.CancellationToken;
        using var folder = new TemporaryFolder();
        var database = folder.File("collab.db");
        var doc = "graceful-" + Guid.NewGuid().ToString("N");

        await using (var first = await SyncServerProcess.StartAsync(database, ct))
        {
            await using var writer = NodeScenario.Start("graceful-shutdown.mjs", first.Address, "--phase", "write", "--doc", doc);
            await writer.WaitForPhaseAsync("edited", ScenarioTimeout, ct);
            var exitCode = await first.StopAsync(TimeSpan.FromSeconds(30), ct);
            (await writer.WaitForResultAsync(ScenarioTimeout, ct)).AssertPassed();
            Assert.True(exitCode == 0, $"the server exited with {exitCode} after SIGTERM:\n{first.Transcript}");
        }

        await using var second = await SyncServerProcess.StartAsync(database, ct);
        (await NodeScenario.RunAsync("graceful-shutdown.mjs", second.Address, ScenarioTimeout, ct, "--phase", "read", "--doc", doc)).AssertPassed();
    }
}
