using Microsoft.Extensions.Options;

namespace Collab.Persistence.Storage;

/// <summary>Checks the settings of the chosen provider (only those: the others may stay unset).</summary>
internal sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        var failures = new List<string>();
        switch (options.Provider)
        {
            case StorageProvider.Sqlite when string.IsNullOrWhiteSpace(options.Sqlite.Path):
                failures.Add("Collab:Storage:Sqlite:Path is required.");
                break;
            case StorageProvider.FileSystem when string.IsNullOrWhiteSpace(options.FileSystem.Path):
                failures.Add("Collab:Storage:FileSystem:Path is required.");
                break;
            case StorageProvider.S3:
                var s3 = options.S3;
                if (string.IsNullOrWhiteSpace(s3.Bucket))
                {
                    failures.Add("Collab:Storage:S3:Bucket is required with the s3 provider.");
                }

                if (!string.IsNullOrWhiteSpace(s3.ServiceUrl)
                    && !(Uri.TryCreate(s3.ServiceUrl, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"))
                {
                    failures.Add($"Collab:Storage:S3:ServiceUrl must be an absolute http(s) URL, not \"{s3.ServiceUrl}\".");
                }

                if (string.IsNullOrEmpty(s3.AccessKey) != string.IsNullOrEmpty(s3.SecretKey))
                {
                    failures.Add("Collab:Storage:S3:AccessKey and SecretKey go together (or leave both empty for the default credentials).");
                }

                if (string.IsNullOrWhiteSpace(s3.Region))
                {
                    failures.Add("Collab:Storage:S3:Region is required.");
                }

                if (s3.MaxErrorRetry is < 0 or > 20)
                {
                    failures.Add("Collab:Storage:S3:MaxErrorRetry must be between 0 and 20.");
                }

                if (s3.Timeout <= TimeSpan.Zero)
                {
                    failures.Add("Collab:Storage:S3:Timeout must be positive.");
                }

                break;
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
