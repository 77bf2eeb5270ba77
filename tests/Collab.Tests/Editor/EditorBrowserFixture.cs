using Collab.Tests.Relay;
using Collab.Tests.SyncServer.E2E;
using Collab.Tests.Support;
using Microsoft.Playwright;

namespace Collab.Tests.Editor;

/// <summary>
/// What the browser tests share: Debian's chromium (installed by scripts/setup.sh) driven by Playwright, two
/// Collab.SyncServer processes relayed through a real redis-server (replicas behind one load balancer), and one more
/// process with no relay (a single node). Each test opens its own pages on its own documents.
/// </summary>
public sealed class EditorBrowserFixture : IAsyncLifetime
{
    /// <summary>How long any one browser action or wait may take (Playwright's default timeout in these tests).</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly RedisServerFixture _redis = new();
    private readonly TemporaryFolder _folder = new();
    private readonly List<SyncServerProcess> _servers = [];
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    /// <summary>The replicas' HTTP base addresses (http://127.0.0.1:port/).</summary>
    public IReadOnlyList<Uri> Replicas { get; private set; } = [];

    /// <summary>The single node's HTTP base address.</summary>
    public Uri SingleNode { get; private set; } = null!;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("the browser did not start");

    /// <summary>Uncaught errors of the pages' scripts since the last <see cref="TakePageErrors"/>.</summary>
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _pageErrors = new();

    public List<string> TakePageErrors()
    {
        var taken = new List<string>();
        while (_pageErrors.TryDequeue(out var error))
        {
            taken.Add(error);
        }

        return taken;
    }

    /// <summary>Where screenshots are kept (artifacts/editor under the repository, or COLLAB_TEST_ARTIFACTS/editor).</summary>
    public static string ArtifactsDirectory { get; } = Path.Combine(
        Environment.GetEnvironmentVariable("COLLAB_TEST_ARTIFACTS") is { Length: > 0 } root ? root : Path.Combine(RepositoryPaths.Root, "artifacts"), "editor");

    /// <summary>Debian's chromium, or the executable named by COLLAB_CHROMIUM.</summary>
    public static string ChromiumPath =>
        new[] { Environment.GetEnvironmentVariable("COLLAB_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser" }
            .FirstOrDefault(p => !string.IsNullOrEmpty(p) && File.Exists(p))
        ?? throw new InvalidOperationException("chromium is not installed (the editor's browser tests need it): run scripts/setup.sh.");

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        Directory.CreateDirectory(ArtifactsDirectory);
        await _redis.InitializeAsync();
        var prefix = "editor-" + Guid.NewGuid().ToString("N")[..12];
        var starting = Enumerable.Range(0, 2).Select(i => SyncServerProcess.StartAsync(_folder.File($"replica-{i}.db"), ct,
                "--redis", _redis.Configuration, "--kafka-prefix", prefix, "--kafka-id", $"editor-replica-{i}",
                "--Collab:Relay:HeartbeatInterval=00:00:00.500", "--Collab:Relay:PeerTimeout=00:00:03"))
            .Append(SyncServerProcess.StartAsync(_folder.File("single.db"), ct))
            .ToList();
        try
        {
            await Task.WhenAll(starting);
        }
        finally
        {
            _servers.AddRange(starting.Where(t => t.IsCompletedSuccessfully).Select(t => t.Result));
        }

        Replicas = [.. _servers.Take(2).Select(HttpBase)];
        SingleNode = HttpBase(_servers[2]);

        // no Playwright browser download: the driver (bundled in the NuGet package) launches Debian's chromium
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        _playwright = await Playwright.CreateAsync().WaitAsync(Patience, ct);
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Timeout = (float)Patience.TotalMilliseconds,
            Args = ["--disable-gpu", "--disable-dev-shm-usage"],
        }).WaitAsync(Patience, ct);
    }

    /// <summary>A page in a fresh browser context (its own storage, so its own random user) with bounded timeouts.</summary>
    public async Task<IPage> OpenAsync(Uri server, string pathAndQuery)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1000, Height = 560 } });
        context.SetDefaultTimeout((float)Patience.TotalMilliseconds);
        var page = await context.NewPageAsync();
        var log = TestContext.Current.TestOutputHelper;
        page.Console += (_, message) => log?.WriteLine($"[browser {server.Port}] {message.Type}: {message.Text}");
        page.PageError += (_, error) =>
        {
            log?.WriteLine($"[browser {server.Port}] page error: {error}");
            _pageErrors.Enqueue($"{page.Url}: {error}");
        };
        await page.GotoAsync(new Uri(server, pathAndQuery).ToString());
        return page;
    }

    /// <summary>The servers' output, for failure messages.</summary>
    public string Transcripts => string.Join("\n---\n", _servers.Select(s => s.Transcript));

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }

        _playwright?.Dispose();
        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }

        await _redis.DisposeAsync();
        _folder.Dispose();
    }

    private static Uri HttpBase(SyncServerProcess server) => new($"http://{server.Address.Authority}/");
}
