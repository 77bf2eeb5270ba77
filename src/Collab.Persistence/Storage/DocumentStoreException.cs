namespace Collab.Persistence.Storage;

/// <summary>
/// A storage operation failed (the disk is full, the S3 endpoint is down or refused the request…). The message says
/// which document, where (file path, or bucket and key) and what the storage said. A failed write leaves the previous
/// stored state in place: the stores never leave an empty or truncated document behind.
/// </summary>
public sealed class DocumentStoreException : IOException
{
    public DocumentStoreException()
    {
    }

    public DocumentStoreException(string message) : base(message)
    {
    }

    public DocumentStoreException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>A failure of <paramref name="operation"/> on <paramref name="documentName"/> at <paramref name="location"/>.</summary>
    public DocumentStoreException(string operation, string? documentName, string location, string reason, Exception? innerException = null)
        : base(Describe(operation, documentName, location, reason), innerException)
    {
        DocumentName = documentName;
        Location = location;
    }

    /// <summary>The affected document, when the failure concerns one.</summary>
    public string? DocumentName { get; }

    /// <summary>Where: a file path, or <c>s3://bucket/key</c>.</summary>
    public string? Location { get; }

    /// <summary>True when the failure is a full disk or an exceeded quota.</summary>
    public bool IsDiskFull => InnerException is IOException { HResult: var code } && IsDiskFullCode(code);

    internal static bool IsDiskFullCode(int hresult) =>
        // ENOSPC and EDQUOT/EFBIG as .NET reports them on Unix (the raw errno), ERROR_DISK_FULL/ERROR_HANDLE_DISK_FULL on Windows
        hresult is 28 or 122 or 27 or unchecked((int)0x80070070) or unchecked((int)0x80070027);

    private static string Describe(string operation, string? documentName, string location, string reason) =>
        documentName is null
            ? $"Could not {operation} {location}: {reason}"
            : $"Could not {operation} document \"{Shorten(documentName)}\" ({location}): {reason}";

    private static string Shorten(string name) => name.Length <= 200 ? name : string.Concat(name.AsSpan(0, 200), "…");
}
