using System.ComponentModel.DataAnnotations;

namespace Collab.Persistence.Storage;

/// <summary>Which <see cref="IDocumentStore"/> keeps documents, bound from <c>Collab:Storage</c>.</summary>
public sealed class StorageOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Collab:Storage";

    /// <summary>The store: <c>sqlite</c> (default), <c>s3</c> or <c>filesystem</c>.</summary>
    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    /// <summary>Settings of the SQLite store (<c>Collab:Storage:Sqlite</c>).</summary>
    public SqliteStorageOptions Sqlite { get; set; } = new();

    /// <summary>Settings of the file-system store (<c>Collab:Storage:FileSystem</c>).</summary>
    public FileSystemStorageOptions FileSystem { get; set; } = new();

    /// <summary>Settings of the S3 store (<c>Collab:Storage:S3</c>).</summary>
    public S3StorageOptions S3 { get; set; } = new();
}

/// <summary>The kinds of document store.</summary>
public enum StorageProvider
{
    /// <summary><see cref="SqliteDocumentStore"/>: one SQLite file (the default).</summary>
    Sqlite,

    /// <summary><see cref="S3DocumentStore"/>: an S3-compatible bucket.</summary>
    S3,

    /// <summary><see cref="FileSystemDocumentStore"/>: one file per document in a folder.</summary>
    FileSystem,
}

/// <summary>Settings of <see cref="SqliteDocumentStore"/>.</summary>
public sealed class SqliteStorageOptions
{
    /// <summary>The database file, relative to the content root unless absolute. Default <c>data/collab.db</c>.</summary>
    [Required(AllowEmptyStrings = false)]
    public string Path { get; set; } = "data/collab.db";

    /// <summary>SQLite <c>synchronous=FULL</c> (a commit survives a power loss; default) rather than NORMAL.</summary>
    public bool SynchronousFull { get; set; } = true;
}

/// <summary>Settings of <see cref="FileSystemDocumentStore"/>.</summary>
public sealed class FileSystemStorageOptions
{
    /// <summary>The folder of the document files, relative to the content root unless absolute. Default <c>data/documents</c>.</summary>
    [Required(AllowEmptyStrings = false)]
    public string Path { get; set; } = "data/documents";

    /// <summary>Flush every write to the disk before it returns (default true): a stored state survives a power loss.</summary>
    public bool Durable { get; set; } = true;
}
