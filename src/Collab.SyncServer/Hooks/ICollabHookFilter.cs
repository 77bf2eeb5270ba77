namespace Collab.SyncServer.Hooks;

/// <summary>
/// Optional for an extension whose hooks can be switched off while it runs (the built-in logger with a log level
/// that hides them). Before building the payload of a frequent fire-and-forget hook (<c>onChange</c> once per
/// update) the server asks the extensions that implement it; when none <see cref="Uses"/> it, the hook is skipped.
/// </summary>
public interface ICollabHookFilter
{
    /// <summary>Whether the hook named like its <see cref="ICollabExtension"/> method (<c>"OnChange"</c>) would do anything now.</summary>
    bool Uses(string hookName);
}
