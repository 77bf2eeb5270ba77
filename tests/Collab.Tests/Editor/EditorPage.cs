using Microsoft.Playwright;

namespace Collab.Tests.Editor;

/// <summary>One open editor page, seen the way a person sees it: the document text, the badges, the people list, the carets.</summary>
internal sealed class EditorPage(IPage page, string userName)
{
    public IPage Page { get; } = page;

    public string UserName { get; } = userName;

    public ILocator Document => Page.Locator(".ProseMirror");

    public static async Task<EditorPage> OpenAsync(EditorBrowserFixture browser, Uri server, string document, string userName)
    {
        var page = new EditorPage(await browser.OpenAsync(server, $"editor/?doc={Uri.EscapeDataString(document)}&name={Uri.EscapeDataString(userName)}"), userName);
        await page.WaitUntilConnectedAndSyncedAsync();
        return page;
    }

    public async Task WaitUntilConnectedAndSyncedAsync()
    {
        await Page.Locator("body[data-ready=true]").WaitForAsync();
        await Page.Locator("#connection[data-state=connected]").WaitForAsync();
        await Page.Locator("#editor[data-synced=true]").WaitForAsync();
    }

    /// <summary>The document's text (the editor's model: other people's caret labels are not part of it).</summary>
    public Task<string> TextAsync() => Page.EvaluateAsync<string>("() => window.collab.editor.getText()");

    /// <summary>The document as Tiptap JSON, to compare structure and marks, not only text.</summary>
    public Task<string> JsonAsync() => Page.EvaluateAsync<string>("() => JSON.stringify(window.collab.editor.getJSON())");

    /// <summary>Types like a person (one key at a time) where the caret is.</summary>
    public Task TypeAsync(string text) => Page.Keyboard.TypeAsync(text, new KeyboardTypeOptions { Delay = 15 });

    /// <summary>Clicks into the document and puts the caret at the end of its <paramref name="paragraph"/>-th paragraph (from 1).</summary>
    public async Task PlaceCaretAtEndOfParagraphAsync(int paragraph)
    {
        await Document.Locator("p").Nth(paragraph - 1).ClickAsync();
        await Page.Keyboard.PressAsync("End");
    }

    /// <summary>Waits until the document contains every fragment.</summary>
    public Task WaitForTextAsync(params string[] fragments) =>
        Page.WaitForFunctionAsync(
            "fragments => { const text = window.collab?.editor.getText() ?? ''; return fragments.every(f => text.includes(f)); }",
            fragments);

    /// <summary>Waits until another person's caret, labelled with their name, is shown in the document.</summary>
    public Task WaitForCaretOfAsync(string name) =>
        Document.Locator(".collaboration-carets__label", new LocatorLocatorOptions { HasText = name }).WaitForAsync();

    /// <summary>Waits until the people list shows <paramref name="name"/>.</summary>
    // the exact name: another tab's random name ("Radia 33") must not match "Radia"
    public Task WaitForPersonAsync(string name) =>
        Page.Locator("#users .user-name", new PageLocatorOptions { HasTextRegex = new System.Text.RegularExpressions.Regex($"^{System.Text.RegularExpressions.Regex.Escape(name)}$") }).WaitForAsync();

    public Task WaitForConnectionAsync(string state) => Page.Locator($"#connection[data-state={state}]").WaitForAsync();

    /// <summary>Waits for the "all changes saved" indicator's state: <c>saved</c> or <c>saving</c>.</summary>
    public Task WaitForSavedStateAsync(string state) => Page.Locator($"#saved[data-state={state}]").WaitForAsync();

    public Task<string> SavedTextAsync() => Page.Locator("#saved").InnerTextAsync();

    public Task ToggleConnectionAsync() => Page.Locator("#toggle-connection").ClickAsync();

    public async Task<byte[]> ScreenshotAsync(string path) => await Page.ScreenshotAsync(new PageScreenshotOptions { Path = path });

    public Task CloseAsync() => Page.Context.CloseAsync();
}
