using System.Text;
using Microsoft.Extensions.Options;

namespace Collab.SyncServer.Auth;

/// <summary>Checks <see cref="AuthOptions"/> on start: usable keys, sensible durations, a way to authenticate when required.</summary>
internal sealed class AuthOptionsValidator(IHostEnvironment environment) : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var jwt = options.Jwt;
        var failures = new List<string>();
        if (options.Required && !jwt.IsConfigured)
        {
            failures.Add("Collab:Auth:Required is true but no Collab:Auth:Jwt key (Secret, PublicKey or PublicKeyFile) is configured.");
        }

        if (!string.IsNullOrEmpty(jwt.Secret) && Encoding.UTF8.GetByteCount(jwt.Secret) < 32)
        {
            failures.Add("Collab:Auth:Jwt:Secret must be at least 32 bytes (HS256 needs a 256-bit key).");
        }

        if (!string.IsNullOrEmpty(jwt.PublicKey) || !string.IsNullOrEmpty(jwt.PublicKeyFile))
        {
            try
            {
                JwtTokenValidator.LoadKeys(new JwtOptions { PublicKey = jwt.PublicKey, PublicKeyFile = jwt.PublicKeyFile }, environment.ContentRootPath);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or System.Security.Cryptography.CryptographicException)
            {
                failures.Add($"Collab:Auth:Jwt public key cannot be read as an RSA public key in PEM: {e.Message}");
            }
        }

        if (jwt.ClockSkew < TimeSpan.Zero || jwt.ClockSkew > TimeSpan.FromHours(1))
        {
            failures.Add("Collab:Auth:Jwt:ClockSkew must be between 0 and 1 hour.");
        }

        if (jwt.TokenRefreshLead < TimeSpan.Zero)
        {
            failures.Add("Collab:Auth:Jwt:TokenRefreshLead must not be negative.");
        }

        if (string.IsNullOrWhiteSpace(jwt.WriteClaim) || string.IsNullOrWhiteSpace(jwt.ReadClaim))
        {
            failures.Add("Collab:Auth:Jwt:WriteClaim and ReadClaim must name claims.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
