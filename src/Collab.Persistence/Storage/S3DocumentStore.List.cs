using System.Net;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;

namespace Collab.Persistence.Storage;

public sealed partial class S3DocumentStore
{
    /// <inheritdoc />
    /// <remarks>
    /// Lists the keys under the configured prefix and the encoded name prefix (every page of them: S3 orders keys, not
    /// names), decodes plain keys and reads the header of hashed ones that may match (one ranged GET each), then sorts
    /// by name. <see cref="StoredDocumentInfo.UpdatedAt"/> is the object's last-modified time (the service's clock).
    /// </remarks>
    public async Task<IReadOnlyList<StoredDocumentInfo>> ListAsync(string? prefix = null, string? after = null, int limit = 1000, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var prefixBytes = string.IsNullOrEmpty(prefix) ? [] : DocumentKeys.NameBytes(prefix);
        var afterBytes = after is null ? null : DocumentKeys.NameBytes(after);
        var keyPrefix = _options.Prefix + (string.IsNullOrEmpty(prefix) ? "" : DocumentKeys.KeyPrefix(prefix));
        await EnsureBucketAsync(cancellationToken);

        var candidates = new List<(byte[] Name, S3Object Object)>();
        var request = new ListObjectsV2Request { BucketName = _options.Bucket, Prefix = keyPrefix };
        try
        {
            do
            {
                var response = await _client.ListObjectsV2Async(request, cancellationToken);
                foreach (var item in response.S3Objects ?? [])
                {
                    if (await NameOfAsync(item.Key, prefixBytes, cancellationToken) is { } name
                        && name.AsSpan().StartsWith(prefixBytes)
                        && (afterBytes is null || name.AsSpan().SequenceCompareTo(afterBytes) > 0))
                    {
                        candidates.Add((name, item));
                    }
                }

                request.ContinuationToken = response.IsTruncated == true ? response.NextContinuationToken : null;
            }
            while (request.ContinuationToken is not null);
        }
        catch (Exception e) when (IsServiceFailure(e, cancellationToken))
        {
            throw new DocumentStoreException("list", null, $"s3://{_options.Bucket}/{keyPrefix}", Reason(e), e);
        }

        candidates.Sort((a, b) => a.Name.AsSpan().SequenceCompareTo(b.Name));
        return candidates.Take(limit).Select(c => new StoredDocumentInfo(
                Encoding.UTF8.GetString(c.Name),
                Math.Max(0, (c.Object.Size ?? 0) - StoredDocumentFormat.Overhead(c.Name.Length)),
                c.Object.LastModified is { } modified ? new DateTimeOffset(modified.ToUniversalTime()) : DateTimeOffset.UnixEpoch))
            .ToList();
    }

    /// <summary>The name stored under <paramref name="objectKey"/>; null for a foreign key or a hashed one that cannot match.</summary>
    private async Task<byte[]?> NameOfAsync(string objectKey, byte[] prefixBytes, CancellationToken cancellationToken)
    {
        if (!objectKey.StartsWith(_options.Prefix, StringComparison.Ordinal) || !objectKey.EndsWith(FileSystemDocumentStore.Extension, StringComparison.Ordinal))
        {
            return null;
        }

        var key = objectKey[_options.Prefix.Length..^FileSystemDocumentStore.Extension.Length];
        if (DocumentKeys.DecodeBytes(key) is not { } decoded)
        {
            return null;
        }

        if (!DocumentKeys.IsHashed(key))
        {
            return decoded;
        }

        var common = Math.Min(decoded.Length, prefixBytes.Length);
        if (!decoded.AsSpan(0, common).SequenceEqual(prefixBytes.AsSpan(0, common)))
        {
            return null;
        }

        // an object under another name's key (a copy, or a hash collision) is not this key's document
        return await ReadHeaderAsync(objectKey, cancellationToken) is { } header && DocumentKeys.Encode(header.NameBytes) == key ? header.NameBytes : null;
    }

    /// <summary>The header of an object (a ranged GET); null when there is no such object.</summary>
    private async Task<StoredHeader?> ReadHeaderAsync(string objectKey, CancellationToken cancellationToken)
    {
        try
        {
            var request = new GetObjectRequest
            {
                BucketName = _options.Bucket,
                Key = objectKey,
                ByteRange = new ByteRange(0, StoredDocumentFormat.FixedHeaderLength + DocumentKeys.MaxNameBytes + 4 - 1),
            };
            using var response = await _client.GetObjectAsync(request, cancellationToken);
            return await StoredDocumentFormat.ReadHeaderAsync(response.ResponseStream, null, $"s3://{_options.Bucket}/{objectKey}", cancellationToken);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound && e.ErrorCode == "NoSuchKey")
        {
            return null;
        }
    }
}
