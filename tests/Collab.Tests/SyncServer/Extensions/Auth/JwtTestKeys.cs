using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Collab.Tests.SyncServer.Extensions.Auth;

/// <summary>Signs test tokens with an HS256 secret or an RSA key generated once per test run.</summary>
internal sealed class JwtTestKeys : IDisposable
{
    public const string Secret = "a-test-secret-that-is-long-enough-for-hs256";

    // Generating a 2048-bit key takes a noticeable moment; the tests share one.
    private static readonly RSA SharedRsa = RSA.Create(2048);

    private readonly RSA _rsa = SharedRsa;

    public string PublicKeyPem => _rsa.ExportSubjectPublicKeyInfoPem();

    public string Hs256(DateTimeOffset now, IDictionary<string, object>? claims = null, TimeSpan? lifetime = null, string secret = Secret, string? issuer = null, string? audience = null) =>
        Create(new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(secret)), SecurityAlgorithms.HmacSha256), now, claims, lifetime, issuer, audience);

    public string Rs256(DateTimeOffset now, IDictionary<string, object>? claims = null, TimeSpan? lifetime = null) =>
        Create(new SigningCredentials(new RsaSecurityKey(_rsa), SecurityAlgorithms.RsaSha256), now, claims, lifetime, null, null);

    public void Dispose()
    {
        // The shared key lives as long as the test process.
    }

    private static string Create(SigningCredentials credentials, DateTimeOffset now, IDictionary<string, object>? claims, TimeSpan? lifetime, string? issuer, string? audience)
    {
        var all = new Dictionary<string, object>(claims ?? new Dictionary<string, object>()) { ["sub"] = "user-1", ["name"] = "Ada" };
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Claims = all,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = (now + (lifetime ?? TimeSpan.FromMinutes(10))).UtcDateTime,
            Issuer = issuer,
            Audience = audience,
            SigningCredentials = credentials,
        });
    }
}
