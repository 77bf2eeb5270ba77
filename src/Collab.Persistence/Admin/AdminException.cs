namespace Collab.Persistence.Admin;

/// <summary>The exit codes of the admin verbs.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>A store error, an unreadable document (verify), a refused import file.</summary>
    public const int Failure = 1;

    /// <summary>An unknown document, or a command line that does not parse.</summary>
    public const int NotFoundOrUsage = 2;

    /// <summary>Interrupted (Ctrl+C, SIGTERM), like a shell reports SIGINT.</summary>
    public const int Cancelled = 130;
}

/// <summary>A failure the CLI reports as one line (no stack trace) and exits with <see cref="ExitCode"/>.</summary>
internal sealed class AdminException(string message, int exitCode = ExitCodes.Failure) : Exception(message)
{
    public int ExitCode { get; } = exitCode;

    public static AdminException UnknownDocument(string name, StoreSelection store) =>
        new($"no document {AdminText.Quote(name)} in {store.Description}", ExitCodes.NotFoundOrUsage);

    public static AdminException Usage(string message) => new(message, ExitCodes.NotFoundOrUsage);
}
