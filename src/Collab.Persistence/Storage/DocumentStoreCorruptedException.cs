namespace Collab.Persistence.Storage;

/// <summary>
/// Stored data of a document could not be read back intact. Never treated as "no document": loading must fail
/// rather than start an empty document that a later store would write over the real data.
/// </summary>
public sealed class DocumentStoreCorruptedException : Exception
{
    public DocumentStoreCorruptedException()
    {
    }

    public DocumentStoreCorruptedException(string message) : base(message)
    {
    }

    public DocumentStoreCorruptedException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public DocumentStoreCorruptedException(string documentName, string message, Exception? innerException = null)
        : base($"Stored document \"{documentName}\" is unreadable: {message}", innerException) => DocumentName = documentName;

    /// <summary>The affected document, when known.</summary>
    public string? DocumentName { get; }
}
