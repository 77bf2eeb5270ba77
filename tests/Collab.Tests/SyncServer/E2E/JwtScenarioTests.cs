using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Collab.Tests.SyncServer.E2E;

/// <summary>The token scenarios with real JWTs checked by Collab.SyncServer's JWT extension (Collab:Auth:Jwt).</summary>
public sealed class JwtScenarioTests
{
    private const string Secret = "an-end-to-end-secret-that-is-long-enough-for-hs256";

    private static readonly Dictionary<string, string?> Configuration = new()
    {
        ["Collab:Auth:Required"] = "true",
        ["Collab:Auth:Jwt:Secret"] = Secret,
    };

    [Fact]
    public async Task JwtWritersAndReadersAreAuthenticatedWithTheirScopeAndOtherTokensAreRejected()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await InProcessServer.StartAsync(ct, Configuration, checkTokens: false);
        await server.RunAsync("auth.mjs", ct, Tokens());
    }

    [Fact]
    public async Task JwtReadersCannotWrite()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await InProcessServer.StartAsync(ct, Configuration, checkTokens: false);
        await server.RunAsync("readonly.mjs", ct, Tokens());
    }

    [Fact]
    public async Task YWebsocketClientsPresentJwtsInTheQuery()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await InProcessServer.StartAsync(ct, Configuration, checkTokens: false);
        await server.RunAsync("ywebsocket-access.mjs", ct, [.. Tokens(), "--yws-url", server.Address + "yws"]);
    }

    private static string[] Tokens() =>
    [
        "--valid-token", Token(Secret, "collab_write"),
        "--readonly-token", Token(Secret, "collab_read"),
        "--invalid-token", Token("a-different-secret-that-is-also-long-enough", "collab_write"),
    ];

    private static string Token(string secret, string claim) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Claims = new Dictionary<string, object> { ["sub"] = "e2e", [claim] = "*" },
        Expires = DateTime.UtcNow.AddMinutes(10),
        SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(secret)), SecurityAlgorithms.HmacSha256),
    });
}
