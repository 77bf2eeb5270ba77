using System.Text.Json;
using Collab.Tests.Support;

namespace Collab.Tests.Template;

/// <summary>
/// The collab-aspire template as a user gets it: the package the build made (templates/Collab.Templates.csproj),
/// installed into a throwaway template store (<c>--debug:custom-hive</c>), instantiated with awkward names and every
/// option value, each solution built warning-free from its own packages/ folder and the package mirror, and one
/// solution's own tests run (its SyncServer alone, then its whole AppHost with Kafka, the worker and two replicas).
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class TemplateTests(TemplateTests.Store store) : IClassFixture<TemplateTests.Store>
{
    private static readonly TimeSpan BuildPatience = TimeSpan.FromMinutes(6);

    /// <summary>The leftovers of names and values the template must replace, in any file it makes.</summary>
    private static readonly string[] Placeholders = ["Company.CollabApp", "CollabAppNamespace", "CollabAppClass", "0.0.0-collab", "#if", "#endif"];

    public static TheoryData<string, string[], bool> Solutions => new()
    {
        // dots, a dash, a digit first; Kafka with the worker, SQLite, JWT, the editor, 2 replicas: built and its tests run
        { "3rd-Party.Docs", ["--relay", "kafka", "--storage", "sqlite", "--auth", "jwt", "--editor", "true", "--replicas", "2"], true },
        // the engine's own name: its hosts must not clash with the Collab.SyncServer and Collab.Persistence packages
        { "Collab", ["--relay", "redis", "--storage", "s3", "--auth", "none", "--editor", "false", "--replicas", "1"], false },
        // the defaults but for the relay and storage
        { "Acme.Docs", ["--relay", "none", "--storage", "filesystem"], false },
    };

    [Fact]
    public async Task HelpDocumentsEveryOptionAndItsValues()
    {
        var (exit, output) = await store.DotnetAsync(store.Root, TimeSpan.FromMinutes(2), "new", "collab-aspire", "--help");
        Assert.True(exit == 0, output);
        foreach (var text in new[] { "--replicas", "--relay", "kafka", "redis", "none", "--storage", "sqlite", "s3", "filesystem", "--auth", "jwt", "--editor", "--no-restore" })
        {
            Assert.Contains(text, output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AnUnknownOptionValueIsRefusedWithTheValuesItTakes()
    {
        var target = Path.Combine(store.Root, "refused");
        var (exit, output) = await store.DotnetAsync(store.Root, TimeSpan.FromMinutes(2), "new", "collab-aspire", "-n", "Refused", "-o", target, "--relay", "rabbitmq", "--no-restore");
        Assert.NotEqual(0, exit);
        Assert.Contains("rabbitmq", output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(target, "src")), "nothing is made for a refused value");
    }

    [Fact]
    public async Task TheFolderTheBuildStagesInstallsToo()
    {
        var folder = Path.Combine(RepositoryPaths.Root, "artifacts", "templates", "collab-aspire");
        var hive = Path.Combine(store.Root, ".folder-hive");
        var (exit, output) = await store.DotnetAsync(store.Root, TimeSpan.FromMinutes(2), "new", "install", folder, "--debug:custom-hive", hive);
        Assert.True(exit == 0, output);
        var target = Path.Combine(store.Root, "from-folder");
        (exit, output) = await store.DotnetAsync(store.Root, TimeSpan.FromMinutes(2), "new", "collab-aspire", "-n", "Folder.Docs", "-o", target, "--no-restore", "--debug:custom-hive", hive);
        Assert.True(exit == 0, output);
        Assert.True(File.Exists(Path.Combine(target, "src", "Folder.Docs.ServiceDefaults", "Extensions.cs")), output);
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(target, "packages"), "Collab.SyncServer.*.nupkg"));
    }

    [Theory]
    [MemberData(nameof(Solutions))]
    public async Task TheSolutionIsRenamedThroughoutCarriesItsOptionsAndBuildsWarningFree(string name, string[] options, bool runItsTests)
    {
        var target = Path.Combine(store.Root, name);
        var (exit, output) = await store.DotnetAsync(store.Root, TimeSpan.FromMinutes(2), ["new", "collab-aspire", "-n", name, "-o", target, "--no-restore", .. options]);
        Assert.True(exit == 0, output);

        // renamed throughout: every project file and folder carries the name, no placeholder is left in any file
        Assert.True(File.Exists(Path.Combine(target, name + ".sln")), output);
        foreach (var project in new[] { "src/{0}.AppHost", "src/{0}.ServiceDefaults", "src/{0}.SyncServer", "src/{0}.Persistence", "tests/{0}.Tests" })
        {
            var folder = Path.Combine(target, string.Format(System.Globalization.CultureInfo.InvariantCulture, project, name));
            Assert.True(File.Exists(Path.Combine(folder, Path.GetFileName(folder) + ".csproj")), $"{folder} has no project");
        }

        var files = Directory.GetFiles(target, "*", SearchOption.AllDirectories).Where(file => !file.EndsWith(".nupkg", StringComparison.Ordinal)).ToList();
        foreach (var file in files)
        {
            var text = await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken);
            foreach (var placeholder in Placeholders)
            {
                Assert.False(text.Contains(placeholder, StringComparison.Ordinal), $"{Path.GetRelativePath(target, file)} still has '{placeholder}'");
            }
        }

        // the engine's packages of this build, which the solution's nuget.config lists
        var packages = Directory.GetFiles(Path.Combine(target, "packages"), "*.nupkg").Select(Path.GetFileName).Order().ToList();
        Assert.Equal(
            ["Collab.Hosting", "Collab.KafkaTestCluster", "Collab.Persistence", "Collab.Relay", "Collab.SyncServer", "Collab.Yjs"],
            packages.Select(file => file![..file!.IndexOf(".0.", StringComparison.Ordinal)]).ToList());

        // the options are the AppHost's switches (appsettings.json, which CollabAppOptions reads)
        using var settings = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(target, "src", name + ".AppHost", "appsettings.json"), TestContext.Current.CancellationToken));
        var expected = Switches(options);
        Assert.Equal(expected["replicas"], settings.RootElement.GetProperty("Replicas").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(expected["relay"], settings.RootElement.GetProperty("Relay").GetString());
        Assert.Equal(expected["storage"], settings.RootElement.GetProperty("Storage").GetString());
        Assert.Equal(expected["auth"], settings.RootElement.GetProperty("Auth").GetString());
        Assert.Equal(expected["editor"] == "true", settings.RootElement.GetProperty("Editor").GetBoolean());
        var syncServer = await File.ReadAllTextAsync(Path.Combine(target, "src", name + ".SyncServer", "Program.cs"), TestContext.Current.CancellationToken);
        Assert.Equal(expected["editor"] == "true", syncServer.Contains("MapCollabEditor", StringComparison.Ordinal));

        (exit, output) = await store.DotnetAsync(target, BuildPatience, "build", "-c", "Release", "-warnaserror", "-nologo", "--disable-build-servers");
        Assert.True(exit == 0, output);
        Assert.Contains(" 0 Warning(s)", output, StringComparison.Ordinal);

        if (runItsTests)
        {
            // its AppHost writes the deployment manifest: the resources of its switches, Kafka a secret parameter
            var manifest = Path.Combine(target, "artifacts", "manifest");
            (exit, output) = await store.DotnetAsync(target, BuildPatience,
                "run", "--project", Path.Combine("src", name + ".AppHost"), "-c", "Release", "--no-build", "--",
                "--operation", "publish", "--step", "publish-manifest", "--output-path", manifest);
            Assert.True(exit == 0, output);
            using (var published = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(manifest, "aspire-manifest.json"), TestContext.Current.CancellationToken)))
            {
                var resources = published.RootElement.GetProperty("resources");
                Assert.Equal("project.v0", resources.GetProperty("syncserver").GetProperty("type").GetString());
                Assert.Equal("project.v0", resources.GetProperty("persistence").GetProperty("type").GetString());
                Assert.True(resources.GetProperty("kafka").GetProperty("inputs").GetProperty("value").GetProperty("secret").GetBoolean());
                Assert.True(resources.GetProperty("jwt-secret").GetProperty("inputs").GetProperty("value").GetProperty("secret").GetBoolean());
                var env = resources.GetProperty("syncserver").GetProperty("env");
                Assert.Equal("{kafka.connectionString}", env.GetProperty("ConnectionStrings__kafka").GetString());
                Assert.Equal("{jwt-secret.value}", env.GetProperty("Collab__Auth__Jwt__Secret").GetString());
                Assert.EndsWith($"src/{name}.SyncServer/{name}.SyncServer.csproj", resources.GetProperty("syncserver").GetProperty("path").GetString(), StringComparison.Ordinal);
            }

            (exit, output) = await store.DotnetAsync(target, BuildPatience, "test", "-c", "Release", "--no-build", "-nologo");
            Assert.True(exit == 0, output);
            Assert.Contains("Failed:     0", output, StringComparison.Ordinal);
            Assert.Matches(@"Passed:\s+[1-9]", output);
        }
    }

    private static Dictionary<string, string> Switches(string[] options)
    {
        var values = new Dictionary<string, string> { ["replicas"] = "3", ["relay"] = "kafka", ["storage"] = "sqlite", ["auth"] = "none", ["editor"] = "true" };
        for (var i = 0; i + 1 < options.Length; i += 2)
        {
            values[options[i].TrimStart('-')] = options[i + 1];
        }

        return values;
    }

    /// <summary>
    /// The template package installed into a template store of its own, and a NuGet packages folder of its own (the
    /// engine's packages are restored there fresh, so a solution never gets a stale copy of a version already extracted;
    /// every other package is found in the machine's folder, named as a fallback).
    /// </summary>
    public sealed class Store : IAsyncLifetime
    {
        private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("collab-template-");

        public string Root => _root.FullName;

        private string Hive => Path.Combine(Root, ".hive");

        public async ValueTask InitializeAsync()
        {
            var package = Path.Combine(RepositoryPaths.Root, "artifacts", "packages", RepositoryPaths.Configuration, "Collab.Templates.0.1.0.nupkg");
            Assert.True(File.Exists(package), $"{package} is not built (dotnet build Collab.sln packs it)");
            var (exit, output) = await DotnetAsync(Root, TimeSpan.FromMinutes(2), "new", "install", package);
            Assert.True(exit == 0, output);
        }

        public ValueTask DisposeAsync()
        {
            _root.Delete(recursive: true);
            return ValueTask.CompletedTask;
        }

        /// <summary>Runs <c>dotnet</c> to its end (ended if it overruns) and returns its exit code and output.</summary>
        public async Task<(int ExitCode, string Output)> DotnetAsync(string workingDirectory, TimeSpan timeout, params string[] arguments)
        {
            string[] all = arguments[0] == "new" && !arguments.Contains("--debug:custom-hive") ? [.. arguments, "--debug:custom-hive", Hive] : arguments;
            var machinePackages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
                ? configured
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
            var environment = new Dictionary<string, string?>
            {
                ["NUGET_PACKAGES"] = Path.Combine(Root, ".nuget"),
                ["NUGET_FALLBACK_PACKAGES"] = machinePackages,
                ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
                ["DOTNET_NOLOGO"] = "1",
                // what `dotnet test` sets for its own MSBuild must not steer the builds of the solutions
                ["MSBuildExtensionsPath"] = null,
                ["MSBuildSDKsPath"] = null,
                ["MSBUILD_EXE_PATH"] = null,
            };
            await using var process = ChildProcess.Start("dotnet", all, workingDirectory, environment);
            var exit = await process.WaitForExitAsync(timeout, TestContext.Current.CancellationToken);
            return (exit, $"dotnet {string.Join(' ', all)} (exit {exit}):\n{process.Transcript}");
        }
    }
}
