using Collab.Tests.Support;
using Microsoft.Playwright;

namespace Collab.Tests.Editor;

/// <summary>
/// The editor page in a real browser (Debian's chromium through Playwright): two pages on different replicas (relayed
/// through redis-server) converge, see each other's carets and names, merge what one typed while offline, and show when
/// their changes are saved; the document picker on a single node. Screenshots are kept under artifacts/editor.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class EditorBrowserTests : IClassFixture<EditorBrowserFixture>, IDisposable
{
    private readonly EditorBrowserFixture _browser;

    public EditorBrowserTests(EditorBrowserFixture browser)
    {
        _browser = browser;
        browser.TakePageErrors();
    }

    /// <summary>Whatever a test did, the page's own script never threw.</summary>
    public void Dispose() => Assert.Empty(_browser.TakePageErrors());

    private static string NewDocument(string what) => $"{what}-{Guid.NewGuid():N}"[..(what.Length + 9)];

    private static string Screenshot(string name) => Path.Combine(EditorBrowserFixture.ArtifactsDirectory, name);

    /// <summary>Two lines to type into, so that concurrent typing lands in separate paragraphs.</summary>
    private static async Task<(EditorPage Ada, EditorPage Grace)> OpenTwoReplicasWithTwoLinesAsync(EditorBrowserFixture fixture, string document, Uri? graceServer = null)
    {
        var ada = await EditorPage.OpenAsync(fixture, fixture.Replicas[0], document, "Ada");
        await ada.Document.ClickAsync();
        await ada.TypeAsync("Ada writes here:");
        await ada.Page.Keyboard.PressAsync("Enter");
        await ada.TypeAsync("Grace writes here:");
        var grace = await EditorPage.OpenAsync(fixture, graceServer ?? fixture.Replicas[1], document, "Grace");
        await grace.WaitForTextAsync("Ada writes here:", "Grace writes here:");
        return (ada, grace);
    }

    [Fact]
    public async Task TwoPagesOnDifferentReplicasTypeConcurrentlyAndConverge()
    {
        var (ada, grace) = await OpenTwoReplicasWithTwoLinesAsync(_browser, NewDocument("meeting-notes"));
        try
        {
            await ada.PlaceCaretAtEndOfParagraphAsync(1);
            await grace.PlaceCaretAtEndOfParagraphAsync(2);
            await Task.WhenAll(ada.TypeAsync(" the quick brown fox"), grace.TypeAsync(" jumps over the lazy dog"));

            string[] expected = ["Ada writes here: the quick brown fox", "Grace writes here: jumps over the lazy dog"];
            await ada.WaitForTextAsync(expected);
            await grace.WaitForTextAsync(expected);
            Assert.Equal(await ada.JsonAsync(), await grace.JsonAsync());

            // presence: each sees the other in the list and their caret; both are saved
            await ada.WaitForCaretOfAsync("Grace");
            await grace.WaitForCaretOfAsync("Ada");
            await ada.WaitForSavedStateAsync("saved");
            await grace.WaitForSavedStateAsync("saved");
            await SideBySideScreenshotAsync(ada, grace, Screenshot("editor-two-replicas.png"));
        }
        finally
        {
            await ada.CloseAsync();
            await grace.CloseAsync();
        }
    }

    [Fact]
    public async Task TwoPagesThroughALoadBalancerInFrontOfTheReplicasConverge()
    {
        await using var balancer = new RoundRobinBalancer(_browser.Replicas);
        var document = NewDocument("balanced");
        var ada = await EditorPage.OpenAsync(_browser, balancer.Address, document, "Ada");
        var grace = await EditorPage.OpenAsync(_browser, balancer.Address, document, "Grace");
        try
        {
            // the pages' providers connect to the balancer that served them, not to a replica
            Assert.Equal($"ws://{balancer.Address.Authority}/", await ProviderUrlAsync(ada));

            await ada.Document.ClickAsync();
            await ada.TypeAsync("Through the balancer.");
            await grace.WaitForTextAsync("Through the balancer.");
            await grace.PlaceCaretAtEndOfParagraphAsync(1);
            await grace.TypeAsync(" Both ways.");
            await ada.WaitForTextAsync("Through the balancer. Both ways.");
            Assert.Equal(await ada.JsonAsync(), await grace.JsonAsync());
            await ada.WaitForCaretOfAsync("Grace");
            await grace.WaitForCaretOfAsync("Ada");
            Assert.All(balancer.Accepted, count => Assert.True(count > 0, $"every replica got connections: {string.Join(", ", balancer.Accepted)}"));
        }
        finally
        {
            await ada.CloseAsync();
            await grace.CloseAsync();
        }
    }

    [Fact]
    public async Task RemoteCaretsAndNamesAppearOnBothReplicas()
    {
        var document = NewDocument("carets");
        var ada = await EditorPage.OpenAsync(_browser, _browser.Replicas[0], document, "Ada");
        var grace = await EditorPage.OpenAsync(_browser, _browser.Replicas[1], document, "Grace");
        try
        {
            await ada.WaitForPersonAsync("Grace");
            await grace.WaitForPersonAsync("Ada");

            await ada.Document.ClickAsync();
            await ada.TypeAsync("Where is everybody?");
            await grace.WaitForTextAsync("Where is everybody?");
            await grace.PlaceCaretAtEndOfParagraphAsync(1);

            await grace.WaitForCaretOfAsync("Ada");
            await ada.WaitForCaretOfAsync("Grace");
            Assert.Equal(2, await ada.Page.Locator("#users .user").CountAsync());
            Assert.Equal("2", await grace.Page.Locator("#user-count").InnerTextAsync());

            // the caret has the colour its owner shows in the people list
            var listed = await grace.Page.Locator("#users .user", new PageLocatorOptions { HasText = "Ada" }).Locator(".user-colour").EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor");
            var caret = await grace.Document.Locator(".collaboration-carets__label", new LocatorLocatorOptions { HasText = "Ada" }).EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor");
            Assert.Equal(listed, caret);
            await grace.ScreenshotAsync(Screenshot("editor-remote-caret.png"));

            // a page that leaves takes its name and caret with it
            await ada.CloseAsync();
            await grace.Page.Locator("#users .user-name", new PageLocatorOptions { HasText = "Ada" }).WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Detached });
            await grace.Document.Locator(".collaboration-carets__label").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Detached });
        }
        finally
        {
            await ada.CloseAsync();
            await grace.CloseAsync();
        }
    }

    /// <summary>
    /// Offline by the page's switch (the provider disconnects), or by the network going away: Grace reaches her replica
    /// through a balancer that drops her connections and refuses new ones while the browser is told it is offline.
    /// </summary>
    [Theory]
    [InlineData("switch")]
    [InlineData("network")]
    public async Task EditsMadeWhileOnePageIsOfflineMergeOnReconnect(string offline)
    {
        await using var network = new RoundRobinBalancer([_browser.Replicas[1]]);
        var (ada, grace) = await OpenTwoReplicasWithTwoLinesAsync(_browser, NewDocument("offline"), offline == "network" ? network.Address : _browser.Replicas[1]);
        try
        {
            if (offline == "switch")
            {
                await grace.ToggleConnectionAsync();
                await grace.WaitForConnectionAsync("offline");
            }
            else
            {
                await grace.Page.Context.SetOfflineAsync(true);
                network.Cut();
                await grace.WaitForConnectionAsync("disconnected");
            }

            await ada.PlaceCaretAtEndOfParagraphAsync(1);
            await ada.TypeAsync(" online words");
            await grace.PlaceCaretAtEndOfParagraphAsync(2);
            await grace.TypeAsync(" offline words");

            // offline: Grace keeps her edits, unsaved, and neither side sees the other's yet
            await grace.WaitForSavedStateAsync("saving");
            Assert.Equal("Saving…", await grace.SavedTextAsync());
            await ada.WaitForSavedStateAsync("saved");
            Assert.DoesNotContain("offline words", await ada.TextAsync(), StringComparison.Ordinal);
            Assert.DoesNotContain("online words", await grace.TextAsync(), StringComparison.Ordinal);
            await grace.ScreenshotAsync(Screenshot($"editor-offline-{offline}.png"));

            if (offline == "switch")
            {
                await grace.ToggleConnectionAsync();
            }
            else
            {
                network.Restore();
                await grace.Page.Context.SetOfflineAsync(false);
            }

            await grace.WaitForConnectionAsync("connected");
            string[] expected = ["Ada writes here: online words", "Grace writes here: offline words"];
            await ada.WaitForTextAsync(expected);
            await grace.WaitForTextAsync(expected);
            Assert.Equal(await ada.JsonAsync(), await grace.JsonAsync());
            await grace.WaitForSavedStateAsync("saved");
            Assert.Equal("All changes saved", await grace.SavedTextAsync());
        }
        finally
        {
            await ada.CloseAsync();
            await grace.CloseAsync();
        }
    }

    [Fact]
    public async Task TheSavedIndicatorTurnsToSavedOnceTheServerAcknowledges()
    {
        var document = NewDocument("saved");
        var page = await EditorPage.OpenAsync(_browser, _browser.SingleNode, document, "Hedy");
        try
        {
            await page.WaitForSavedStateAsync("saved");
            await page.Document.ClickAsync();
            await page.TypeAsync("Saved as I type.");
            await page.WaitForSavedStateAsync("saved");
            Assert.Equal("All changes saved", await page.SavedTextAsync());
            await page.ScreenshotAsync(Screenshot("editor-saved.png"));

            // what the indicator called saved is on the server: a new page (a new Y.Doc) loads it from there
            var reader = await EditorPage.OpenAsync(_browser, _browser.SingleNode, document, "Tim");
            await reader.WaitForTextAsync("Saved as I type.");
            await reader.CloseAsync();
        }
        finally
        {
            await page.CloseAsync();
        }
    }

    [Fact]
    public async Task TheRootRedirectsToThePickerWhichListsAndCreatesDocuments()
    {
        var existing = NewDocument("alpha");
        var writer = await EditorPage.OpenAsync(_browser, _browser.SingleNode, existing, "Radia");
        await writer.Document.ClickAsync();
        await writer.TypeAsync("The alpha document.");
        await writer.WaitForSavedStateAsync("saved");

        var page = new EditorPage(await _browser.OpenAsync(_browser.SingleNode, "/"), "Leslie");
        try
        {
            await page.WaitUntilConnectedAndSyncedAsync();
            Assert.EndsWith("/editor/?doc=welcome", page.Page.Url, StringComparison.Ordinal);

            // the picker lists the other document; choosing it opens it
            await page.Page.Locator($"#documents option[value='{existing}']").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });
            var opened = page.Page.WaitForURLAsync($"**/editor/?doc={existing}");
            await page.Page.Locator("#documents").SelectOptionAsync(existing);
            await opened;
            await page.WaitUntilConnectedAndSyncedAsync();
            await page.WaitForTextAsync("The alpha document.");
            await page.WaitForPersonAsync("Radia");

            // creating one opens it, empty, and the other page's picker lists it
            var created = NewDocument("beta");
            await page.Page.Locator("#new-document input").FillAsync(created);
            var createdOpened = page.Page.WaitForURLAsync($"**/editor/?doc={created}");
            await page.Page.Locator("#new-document input").PressAsync("Enter");
            await createdOpened;
            await page.WaitUntilConnectedAndSyncedAsync();
            Assert.Equal(created, await page.Page.Locator("#document-title").InnerTextAsync());
            Assert.Equal("", (await page.TextAsync()).Trim());
            await page.Document.ClickAsync();
            await page.TypeAsync("A new document.");
            await page.WaitForSavedStateAsync("saved");
            await page.ScreenshotAsync(Screenshot("editor-picker.png"));

            await writer.Page.Locator("#documents").FocusAsync();
            await writer.Page.Locator($"#documents option[value='{created}']").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });
        }
        finally
        {
            await page.CloseAsync();
            await writer.CloseAsync();
        }
    }

    [Fact]
    public async Task UnderAProxysPathPrefixThePageItsProviderItsPickerAndTheRedirectsStayUnderThePrefix()
    {
        await using var proxy = await PathPrefixProxy.StartAsync("/collab", _browser.SingleNode, TestContext.Current.CancellationToken);
        var document = NewDocument("prefixed");

        // a browser opens the prefix: the server's redirect to its page is relative, so it lands under the prefix
        var page = new EditorPage(await _browser.OpenAsync(proxy.Address, $"?doc={document}"), "Barbara");
        try
        {
            await page.WaitUntilConnectedAndSyncedAsync();
            Assert.Equal(new Uri(proxy.Address, $"editor/?doc={document}").ToString(), page.Page.Url);
            Assert.Equal($"ws://{proxy.Address.Authority}/collab/", await ProviderUrlAsync(page));

            await page.Document.ClickAsync();
            await page.TypeAsync("Typed through a path prefix.");
            await page.WaitForSavedStateAsync("saved");
            // the picker's list came through the prefix too
            await page.Page.Locator($"#documents option[value='{document}']").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });

            // what it saved is on the server: a page opened on the server itself, without the proxy, loads it
            var direct = await EditorPage.OpenAsync(_browser, _browser.SingleNode, document, "Niklaus");
            await direct.WaitForTextAsync("Typed through a path prefix.");
            await direct.CloseAsync();
            await page.ScreenshotAsync(Screenshot("editor-path-prefix.png"));
        }
        finally
        {
            await page.CloseAsync();
        }

        // nothing the page asked for was outside the prefix (the proxy answers those with 404), and everything was found:
        // the root's redirect, the page and its files, its configuration, the list and the provider's WebSocket
        var requested = proxy.Requested;
        Assert.All(requested, r => Assert.StartsWith("/collab/", r.Path, StringComparison.Ordinal));
        Assert.All(requested, r => Assert.True(r.Status is 101 or 200 or 302 or 304, $"{r.Path}: {r.Status}"));
        Assert.Contains(("/collab/editor/config.json", 200), requested);
        Assert.Contains(requested, r => r.Path.StartsWith("/collab/editor/documents", StringComparison.Ordinal) && r.Status == 200);
    }

    /// <summary>The address the page's provider connects to.</summary>
    private static Task<string> ProviderUrlAsync(EditorPage page) =>
        page.Page.EvaluateAsync<string>("() => window.collab.provider.configuration.websocketProvider.url");

    /// <summary>Both pages' screenshots side by side in one image, each captioned with the replica it is on.</summary>
    private async Task SideBySideScreenshotAsync(EditorPage left, EditorPage right, string path)
    {
        var images = new List<(string Caption, string Data)>();
        foreach (var (page, replica) in new[] { (left, 0), (right, 1) })
        {
            var png = await page.Page.ScreenshotAsync();
            images.Add(($"{page.UserName} on replica {replica + 1} ({_browser.Replicas[replica].Authority})", Convert.ToBase64String(png)));
        }

        var context = await _browser.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 2040, Height = 620 } });
        try
        {
            var page = await context.NewPageAsync();
            var figures = string.Join("", images.Select(i =>
                $"<figure><img src=\"data:image/png;base64,{i.Data}\"><figcaption>{System.Net.WebUtility.HtmlEncode(i.Caption)}</figcaption></figure>"));
            await page.SetContentAsync($$"""
                <!doctype html><style>
                body { margin: 0; padding: 12px; background: #d0d5dd; display: flex; gap: 16px; font: 14px system-ui, sans-serif; }
                figure { margin: 0; } img { display: block; width: 1000px; border: 1px solid #98a2b3; border-radius: 6px; }
                figcaption { margin-top: 6px; color: #344054; text-align: center; }
                </style>{{figures}}
                """);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        }
        finally
        {
            await context.CloseAsync();
        }
    }
}
