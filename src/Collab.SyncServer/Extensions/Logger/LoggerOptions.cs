namespace Collab.SyncServer.Extensions.Logger;

/// <summary>
/// Structured logging of hook events (like Hocuspocus' Logger extension), bound from <c>Collab:Logger</c>: on by default,
/// one switch per event. Levels and sinks come from the normal logging configuration (category
/// <c>Collab.SyncServer.Extensions.Logger.LoggerExtension</c>).
/// </summary>
public sealed class LoggerOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Collab:Logger";

    /// <summary>Log hook events at all. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Server configured and listening.</summary>
    public bool OnConfigure { get; set; } = true;

    /// <summary>Plain HTTP requests that reach the server endpoint.</summary>
    public bool OnRequest { get; set; } = true;

    /// <summary>WebSocket upgrades.</summary>
    public bool OnUpgrade { get; set; } = true;

    /// <summary>New document connections.</summary>
    public bool OnConnect { get; set; } = true;

    /// <summary>Documents loaded and unloaded.</summary>
    public bool OnLoadDocument { get; set; } = true;

    /// <summary>Document changes (logged at Debug level: there are many).</summary>
    public bool OnChange { get; set; } = true;

    /// <summary>Documents stored.</summary>
    public bool OnStoreDocument { get; set; } = true;

    /// <summary>Closed document connections.</summary>
    public bool OnDisconnect { get; set; } = true;

    /// <summary>Server shut down.</summary>
    public bool OnDestroy { get; set; } = true;
}
