using Collab.Persistence.Storage;

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
    public async Task EditsAcknowledgedFromTheUpdateLogSurviveASigkillBeforeAnyStore()
    {
        var ct = TestContext.Current.CancellationToken;
        using var folder = new TemporaryFolder();
        var database = folder.File("collab.db");
        var prefix = "killed-" + Guid.NewGuid().ToString("N");
        string[] scenario = ["--doc", prefix, "--docs", "20", "--edits", "5"];

        // A store debounce of ten minutes: within the test nothing is stored, only logged.
        await using (var first = await SyncServerProcess.StartAsync(database, ct, "--durability", "Logged", "--debounce", "600000", "--max-debounce", "600000"))
        {
            await using var writer = NodeScenario.Start("acknowledged-kill.mjs", first.Address, ["--phase", "write", .. scenario]);
            await writer.WaitForPhaseAsync("acknowledged", ScenarioTimeout, ct);
            await first.KillAsync();
        }

        using (var file = new SqliteDocumentStore(database))
        {
            Assert.Empty(await file.ListAsync(prefix, cancellationToken: ct));
            Assert.True(await file.CountLoggedAsync(prefix + "-0", ct) > 0, "the acknowledged edits are in the update log");
        }

        await using var second = await SyncServerProcess.StartAsync(database, ct, "--durability", "Logged");
        var read = await NodeScenario.RunAsync("acknowledged-kill.mjs", second.Address, ScenarioTimeout, ct, ["--phase", "read", .. scenario]);
        read.AssertPassed();
    }

    [Fact]
    public async Task TheDebouncedStoreRemovesTheLogEntriesItCovers()
    {
        var ct = TestContext.Current.CancellationToken;
        using var folder = new TemporaryFolder();
        var database = folder.File("collab.db");
        var prefix = "compacted-" + Guid.NewGuid().ToString("N");

        await using var server = await SyncServerProcess.StartAsync(database, ct, "--durability", "Logged", "--debounce", "200", "--max-debounce", "1000");
        await using var writer = NodeScenario.Start("acknowledged-kill.mjs", server.Address, "--phase", "write", "--doc", prefix, "--docs", "3", "--edits", "5");
        await writer.WaitForPhaseAsync("acknowledged", ScenarioTimeout, ct);

        using var file = new SqliteDocumentStore(database);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while ((await file.ListAsync(prefix, cancellationToken: ct)).Count < 3 || await LoggedAsync(file, prefix, 3, ct) > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"after the stores, {await LoggedAsync(file, prefix, 3, ct)} log entries are left; {await DescribeAsync(database, ct)}");
            await Task.Delay(100, ct);
        }
    }

    private static async Task<string> DescribeAsync(string database, CancellationToken cancellationToken)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT name, log_sequence, (SELECT max(sequence) FROM document_log u WHERE u.name = d.name) FROM documents d";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add($"{reader.GetString(0)}: covered {reader.GetInt64(1)}, logged up to {(reader.IsDBNull(2) ? "-" : reader.GetInt64(2).ToString(System.Globalization.CultureInfo.InvariantCulture))}");
        }

        return string.Join("; ", rows);
    }

    private static async Task<long> LoggedAsync(SqliteDocumentStore file, string prefix, int documents, CancellationToken cancellationToken)
    {
        long total = 0;
        for (var i = 0; i < documents; i++)
        {
            total += await file.CountLoggedAsync($"{prefix}-{i}", cancellationToken);
        }

        return total;
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
