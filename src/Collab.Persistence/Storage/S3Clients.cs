using Amazon.Runtime;
using Amazon.S3;

namespace Collab.Persistence.Storage;

/// <summary>Builds the S3 client of <see cref="S3DocumentStore"/> from its options.</summary>
internal static class S3Clients
{
    public static AmazonS3Client Create(S3StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var config = new AmazonS3Config
        {
            ForcePathStyle = options.ForcePathStyle,
            AuthenticationRegion = options.Region,
            Timeout = options.Timeout,
            // SDK v4 adds CRC checksums to every upload by default, sent as aws-chunked trailers that many S3-compatible
            // services (s3rver, older MinIO, some gateways) reject; the store sends Content-MD5 and checks its own
            // checksums on load instead
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (!string.IsNullOrWhiteSpace(options.ServiceUrl))
        {
            config.ServiceURL = options.ServiceUrl;
        }
        else
        {
            config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(options.Region);
        }

        if (options.MaxErrorRetry is { } retries)
        {
            config.MaxErrorRetry = retries;
        }

        return string.IsNullOrEmpty(options.AccessKey)
            ? new AmazonS3Client(config)
            : new AmazonS3Client(new BasicAWSCredentials(options.AccessKey, options.SecretKey ?? ""), config);
    }
}
