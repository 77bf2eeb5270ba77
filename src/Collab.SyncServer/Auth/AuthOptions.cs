namespace Collab.SyncServer.Auth;

/// <summary>Authentication of clients, bound from <c>Collab:Auth</c>.</summary>
public sealed class AuthOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Collab:Auth";

    /// <summary>
    /// Reject clients that present no token. When false and a JWT is configured, clients without a token may read
    /// but never change documents; when false and no JWT is configured, authentication is off.
    /// </summary>
    public bool Required { get; set; }

    /// <summary>JSON Web Token validation; off unless a secret or a public key is set.</summary>
    public JwtOptions Jwt { get; set; } = new();
}
