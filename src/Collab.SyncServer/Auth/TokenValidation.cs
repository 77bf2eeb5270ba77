namespace Collab.SyncServer.Auth;

/// <summary>The outcome of validating a token: failure reason, or who the holder is and which documents it may use.</summary>
public sealed class TokenValidation
{
    private TokenValidation()
    {
    }

    /// <summary>True when the token is authentic and current.</summary>
    public bool IsValid => FailureReason is null;

    /// <summary>Why the token was rejected (sent to the client as the PermissionDenied reason).</summary>
    public string? FailureReason { get; private init; }

    /// <summary>The <c>sub</c> claim.</summary>
    public string? Subject { get; private init; }

    /// <summary>The <c>name</c> claim, when present.</summary>
    public string? Name { get; private init; }

    /// <summary>When the token expires, if it does.</summary>
    public DateTimeOffset? ExpiresAt { get; private init; }

    /// <summary>Patterns of documents the token may write.</summary>
    public IReadOnlyList<string> WritePatterns { get; private init; } = [];

    /// <summary>Patterns of documents the token may read.</summary>
    public IReadOnlyList<string> ReadPatterns { get; private init; } = [];

    /// <summary>Access of a valid token that lists no documents.</summary>
    public DocumentAccess DefaultAccess { get; private init; }

    /// <summary>What the token allows on <paramref name="documentName"/>.</summary>
    public DocumentAccess AccessTo(string documentName)
    {
        if (!IsValid)
        {
            return DocumentAccess.None;
        }

        if (WritePatterns.Count == 0 && ReadPatterns.Count == 0)
        {
            return DefaultAccess;
        }

        if (DocumentPattern.MatchesAny(WritePatterns, documentName))
        {
            return DocumentAccess.Write;
        }

        return DocumentPattern.MatchesAny(ReadPatterns, documentName) ? DocumentAccess.Read : DocumentAccess.None;
    }

    internal static TokenValidation Failed(string reason) => new() { FailureReason = reason };

    internal static TokenValidation Succeeded(string? subject, string? name, DateTimeOffset? expiresAt, IReadOnlyList<string> write, IReadOnlyList<string> read, DocumentAccess defaultAccess) =>
        new() { Subject = subject, Name = name, ExpiresAt = expiresAt, WritePatterns = write, ReadPatterns = read, DefaultAccess = defaultAccess };
}
