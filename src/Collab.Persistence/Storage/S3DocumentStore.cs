using System.Net;
using System.Security.Cryptography;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Collab.Yjs;
using Collab.Yjs.Lib0;

namespace Collab.Persistence.Storage;

/// <summary>
/// <see cref="IDocumentStore"/> on an S3-compatible bucket: one object per document under
/// <see cref="S3StorageOptions.Prefix"/> + key (<see cref="DocumentKeys"/>) + <see cref="FileSystemDocumentStore.Extension"/>,
/// holding the name, the state and checksums (<see cref="StoredDocumentFormat"/>), sent with a Content-MD5 the service
/// checks. An object PUT is atomic (a failed upload leaves the previous object), and a load checks the object's length
/// and checksums, so a load returns a whole state or throws. Writes of one document are serialised in this process
/// (a merge reads, merges and writes under the document's lock); like the other stores it expects one writing process
/// per document (the persistence workers' partition assignment). Failures throw <see cref="DocumentStoreException"/>
/// naming the bucket, the key and what the service said.
/// </summary>
public sealed partial class S3DocumentStore : IDocumentStore, IDisposable
{
    private readonly IAmazonS3 _client;
    private readonly S3StorageOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly KeyedLock _locks = new();
    private readonly SemaphoreSlim _bucketLock = new(1, 1);
    private volatile bool _bucketReady;

    /// <summary>A store with its own S3 client configured from <paramref name="options"/>.</summary>
    public S3DocumentStore(S3StorageOptions options, TimeProvider? timeProvider = null)
        : this(S3Clients.Create(options), options, timeProvider)
    {
    }

    internal S3DocumentStore(IAmazonS3 client, S3StorageOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Bucket, nameof(options));
        _client = client;
        _options = options;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The object key of a document (with the configured prefix).</summary>
    public string KeyOf(string documentName) => _options.Prefix + DocumentKeys.Encode(documentName) + FileSystemDocumentStore.Extension;

    /// <inheritdoc />
    public async Task<byte[]?> LoadAsync(string documentName, CancellationToken cancellationToken = default)
    {
        var nameBytes = DocumentKeys.NameBytes(documentName);
        return await ReadAsync("load", documentName, nameBytes, ObjectKey(nameBytes), cancellationToken);
    }

    /// <inheritdoc />
    public async Task StoreAsync(string documentName, ReadOnlyMemory<byte> state, CancellationToken cancellationToken = default)
    {
        var nameBytes = DocumentKeys.NameBytes(documentName);
        if (state.IsEmpty)
        {
            throw new ArgumentException("A document state is never empty (an empty document encodes as two bytes).", nameof(state));
        }

        var key = ObjectKey(nameBytes);
        using var held = await _locks.AcquireAsync(key, cancellationToken);
        if (DocumentKeys.IsHashed(key))
        {
            _ = await CheckOwnerAsync("store", documentName, nameBytes, key, cancellationToken);
        }

        await WriteAsync(documentName, nameBytes, key, state, cancellationToken);
    }

    /// <inheritdoc />
    public async Task MergeAsync(string documentName, ReadOnlyMemory<byte> update, CancellationToken cancellationToken = default)
    {
        var nameBytes = DocumentKeys.NameBytes(documentName);
        if (update.IsEmpty)
        {
            throw new ArgumentException("An update is never empty.", nameof(update));
        }

        var key = ObjectKey(nameBytes);
        using var held = await _locks.AcquireAsync(key, cancellationToken);
        var existing = await ReadAsync("merge into", documentName, nameBytes, key, cancellationToken);
        byte[] merged;
        try
        {
            merged = existing is null ? YUpdates.MergeUpdates([update.ToArray()]) : YUpdates.MergeUpdates([existing, update.ToArray()]);
        }
        catch (YjsDecodingException e)
        {
            throw new ArgumentException($"The update to merge into \"{documentName}\" is not a valid Yjs update: {e.Message}", nameof(update), e);
        }

        await WriteAsync(documentName, nameBytes, key, merged, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string documentName, CancellationToken cancellationToken = default)
    {
        var nameBytes = DocumentKeys.NameBytes(documentName);
        var key = ObjectKey(nameBytes);
        using var held = await _locks.AcquireAsync(key, cancellationToken);
        await EnsureBucketAsync(cancellationToken);
        try
        {
            if (DocumentKeys.IsHashed(key))
            {
                if (!await CheckOwnerAsync("delete", documentName, nameBytes, key, cancellationToken))
                {
                    return false;
                }
            }
            else
            {
                try
                {
                    await _client.GetObjectMetadataAsync(_options.Bucket, key, cancellationToken);
                }
                catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
                {
                    return false;
                }
            }

            await _client.DeleteObjectAsync(_options.Bucket, key, cancellationToken);
            return true;
        }
        catch (Exception e) when (IsServiceFailure(e, cancellationToken))
        {
            throw Failure("delete", documentName, key, e, write: true);
        }
    }

    /// <summary>Disposes the S3 client.</summary>
    public void Dispose()
    {
        _client.Dispose();
        _bucketLock.Dispose();
    }

    private string ObjectKey(byte[] nameBytes) => _options.Prefix + DocumentKeys.Encode(nameBytes) + FileSystemDocumentStore.Extension;

    /// <summary>
    /// Whether an object is under a hashed key; refuses to write over or delete the object of another name under the
    /// same key (a SHA-256 collision). An object whose header is unreadable counts as this document's: a fresh full
    /// state (or a delete) is how a corrupted document is repaired.
    /// </summary>
    private async Task<bool> CheckOwnerAsync(string operation, string documentName, byte[] nameBytes, string key, CancellationToken cancellationToken)
    {
        await EnsureBucketAsync(cancellationToken);
        StoredHeader? header;
        try
        {
            header = await ReadHeaderAsync(key, cancellationToken);
        }
        catch (DocumentStoreCorruptedException)
        {
            return true;
        }
        catch (Exception e) when (IsServiceFailure(e, cancellationToken))
        {
            throw Failure(operation, documentName, key, e, write: true);
        }

        return header is null
            ? false
            : header.NameBytes.AsSpan().SequenceEqual(nameBytes) ? true : throw Collision(operation, documentName, key);
    }

    private async Task<byte[]?> ReadAsync(string operation, string documentName, byte[] nameBytes, string key, CancellationToken cancellationToken)
    {
        await EnsureBucketAsync(cancellationToken);
        try
        {
            using var response = await _client.GetObjectAsync(_options.Bucket, key, cancellationToken);
            var stream = response.ResponseStream;
            var what = $"{documentName} (s3://{_options.Bucket}/{key})";
            var header = await StoredDocumentFormat.ReadHeaderAsync(stream, response.ContentLength, what, cancellationToken);
            if (!header.NameBytes.AsSpan().SequenceEqual(nameBytes))
            {
                throw Collision(operation, documentName, key);
            }

            return await StoredDocumentFormat.ReadStateAsync(stream, header, what, cancellationToken);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound && e.ErrorCode == "NoSuchKey")
        {
            return null;
        }
        catch (Exception e) when (IsServiceFailure(e, cancellationToken))
        {
            throw Failure(operation, documentName, key, e, write: false);
        }
    }

    private async Task WriteAsync(string documentName, byte[] nameBytes, string key, ReadOnlyMemory<byte> state, CancellationToken cancellationToken)
    {
        await EnsureBucketAsync(cancellationToken);
        var body = StoredDocumentFormat.Serialize(nameBytes, state.Span, _timeProvider.GetUtcNow());
        try
        {
            using var content = new MemoryStream(body, writable: false);
            await _client.PutObjectAsync(
                new PutObjectRequest
                {
                    BucketName = _options.Bucket,
                    Key = key,
                    InputStream = content,
                    AutoCloseStream = false,
                    ContentType = "application/octet-stream",
                    MD5Digest = Convert.ToBase64String(MD5.HashData(body)),
                    // a plain signed body: S3-compatible services that do not speak aws-chunked (s3rver, older MinIO) accept it too
                    UseChunkEncoding = false,
                },
                cancellationToken);
        }
        catch (Exception e) when (IsServiceFailure(e, cancellationToken))
        {
            throw Failure("store", documentName, key, e, write: true);
        }
    }

    private async Task EnsureBucketAsync(CancellationToken cancellationToken)
    {
        if (_bucketReady || !_options.CreateBucket)
        {
            return;
        }

        await _bucketLock.WaitAsync(cancellationToken);
        try
        {
            if (_bucketReady)
            {
                return;
            }

            try
            {
                await _client.PutBucketAsync(new PutBucketRequest { BucketName = _options.Bucket }, cancellationToken);
            }
            catch (AmazonS3Exception e) when (e.ErrorCode is "BucketAlreadyOwnedByYou" or "BucketAlreadyExists")
            {
                // there already
            }
            catch (Exception e) when (IsServiceFailure(e, cancellationToken))
            {
                throw new DocumentStoreException("create the bucket", null, $"s3://{_options.Bucket}", Reason(e), e);
            }

            _bucketReady = true;
        }
        finally
        {
            _bucketLock.Release();
        }
    }

    private static bool IsServiceFailure(Exception e, CancellationToken cancellationToken) =>
        e is AmazonServiceException or AmazonClientException or HttpRequestException
        || (e is IOException and not DocumentStoreException)
        || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested) // the SDK's own timeout
        || IsMalformedAnswer(e);

    /// <summary>The SDK's own argument or format check failing on what the service sent (an ETag that is no hex string).</summary>
    private static bool IsMalformedAnswer(Exception e) =>
        e is ArgumentException or FormatException && e.TargetSite?.DeclaringType?.Namespace?.StartsWith("Amazon", StringComparison.Ordinal) == true;

    private DocumentStoreException Failure(string operation, string? documentName, string key, Exception e, bool write) =>
        new(operation, documentName, $"s3://{_options.Bucket}/{key}", Reason(e) + (write ? "; the previously stored state is unchanged." : ""), e);

    private DocumentStoreException Collision(string operation, string documentName, string key) =>
        new(operation, documentName, $"s3://{_options.Bucket}/{key}", "the object belongs to another document whose name hashes to the same key (a SHA-256 collision); nothing was read or written.");

    private string Reason(Exception e) => e switch
    {
        AmazonS3Exception { ErrorCode: "NoSuchBucket" } => $"the bucket \"{_options.Bucket}\" does not exist (create it, or set Collab:Storage:S3:CreateBucket to true)",
        AmazonServiceException s when s.StatusCode != 0 => $"the S3 service answered {(int)s.StatusCode} {s.ErrorCode}: {s.Message}",
        OperationCanceledException => $"the S3 request did not complete within {_options.Timeout}",
        _ when IsMalformedAnswer(e) => $"the S3 service at {_client.Config.ServiceURL ?? _options.Region} sent an answer the S3 client could not read: {e.Message}",
        _ => $"the S3 service at {_client.Config.ServiceURL ?? _options.Region} could not be reached or failed: {Innermost(e).Message}",
    };

    private static Exception Innermost(Exception e) => e.InnerException is { } inner ? Innermost(inner) : e;
}
