using System.ComponentModel.DataAnnotations;

namespace Collab.Persistence.Storage;

/// <summary>
/// Where and how <see cref="S3DocumentStore"/> keeps documents: any S3-compatible service (AWS S3, MinIO, Ceph, R2…),
/// bound from <c>Collab:Storage:S3</c>.
/// </summary>
public sealed class S3StorageOptions
{
    /// <summary>
    /// The endpoint of an S3-compatible service, e.g. <c>http://localhost:9000</c> for MinIO. Empty: AWS S3 in
    /// <see cref="Region"/>.
    /// </summary>
    public string? ServiceUrl { get; set; }

    /// <summary>The bucket. Required.</summary>
    [Required(AllowEmptyStrings = false)]
    public string Bucket { get; set; } = "";

    /// <summary>Prepended to every object key, e.g. <c>collab/</c> to share a bucket. Default none.</summary>
    public string Prefix { get; set; } = "";

    /// <summary>The region requests are signed for (and AWS S3's region). Default <c>us-east-1</c>.</summary>
    [Required(AllowEmptyStrings = false)]
    public string Region { get; set; } = "us-east-1";

    /// <summary>Access key id; with <see cref="SecretKey"/>. Empty: the SDK's default credentials (environment, profile, instance role).</summary>
    public string? AccessKey { get; set; }

    /// <summary>Secret access key; with <see cref="AccessKey"/>.</summary>
    public string? SecretKey { get; set; }

    /// <summary>
    /// Path-style requests (<c>http://host/bucket/key</c>) instead of virtual-hosted ones (<c>http://bucket.host/key</c>).
    /// Default true: what MinIO and most self-hosted services expect.
    /// </summary>
    public bool ForcePathStyle { get; set; } = true;

    /// <summary>Create the bucket on first use when it does not exist. Default false (a typo should fail, not create a bucket).</summary>
    public bool CreateBucket { get; set; }

    /// <summary>How often the SDK retries a failed request (throttling, 5xx, network errors). Null: the SDK's default.</summary>
    [Range(0, 20)]
    public int? MaxErrorRetry { get; set; }

    /// <summary>The time one request may take. Default 100 seconds (a large document over a slow link).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(100);
}
