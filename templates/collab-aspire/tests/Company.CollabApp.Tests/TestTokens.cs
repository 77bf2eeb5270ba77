#if (jwt)
using System.Security.Claims;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

#endif
namespace CollabAppNamespace.Tests;

/// <summary>What a client presents to the server in these tests.</summary>
internal static class TestTokens
{
#if (jwt)
    /// <summary>The HS256 secret the tests give the server (Collab:Auth:Jwt:Secret, the AppHost's jwt-secret parameter).</summary>
    public const string Secret = "tests-only-secret-of-at-least-32-bytes-0123456789";

    /// <summary>A token that may read and write every document (claim <c>collab_write</c>), valid for ten minutes.</summary>
    /// <returns>The token, or null when the server needs none.</returns>
    public static string? Writer() => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Subject = new ClaimsIdentity([new Claim("sub", "tests"), new Claim("collab_write", "*")]),
        Expires = DateTime.UtcNow.AddMinutes(10),
        SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(Secret)), SecurityAlgorithms.HmacSha256),
    });
#else
    /// <summary>No token: the server accepts anonymous clients.</summary>
    /// <returns>Null.</returns>
    public static string? Writer() => null;
#endif
}
