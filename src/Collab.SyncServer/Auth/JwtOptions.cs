namespace Collab.SyncServer.Auth;

/// <summary>
/// JWT validation (<c>Collab:Auth:Jwt</c>). Tokens are signed with HS256 (<see cref="Secret"/>) or RS256
/// (<see cref="PublicKey"/> / <see cref="PublicKeyFile"/>); both may be configured. Document access comes from two
/// claims, each a JSON array of document name patterns or one string of patterns separated by spaces or commas,
/// where <c>*</c> matches any run of characters: <see cref="WriteClaim"/> (read and write) and <see cref="ReadClaim"/>
/// (read-only).
/// </summary>
public sealed class JwtOptions
{
    /// <summary>HS256 shared secret (UTF-8, at least 32 bytes).</summary>
    public string? Secret { get; set; }

    /// <summary>RS256 public key in PEM (<c>-----BEGIN PUBLIC KEY-----</c> or <c>BEGIN RSA PUBLIC KEY</c>).</summary>
    public string? PublicKey { get; set; }

    /// <summary>File holding the RS256 public key in PEM, relative to the content root unless absolute.</summary>
    public string? PublicKeyFile { get; set; }

    /// <summary>Required <c>iss</c>, when set.</summary>
    public string? Issuer { get; set; }

    /// <summary>Required <c>aud</c> (one of the token's audiences), when set.</summary>
    public string? Audience { get; set; }

    /// <summary>Tolerance for <c>exp</c> and <c>nbf</c>. Default 30 s.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Reject tokens without <c>exp</c>. Default true.</summary>
    public bool RequireExpiration { get; set; } = true;

    /// <summary>Claim listing the documents the token may read and write. Default <c>collab_write</c>.</summary>
    public string WriteClaim { get; set; } = "collab_write";

    /// <summary>Claim listing the documents the token may only read. Default <c>collab_read</c>.</summary>
    public string ReadClaim { get; set; } = "collab_read";

    /// <summary>Access of a valid token that carries neither claim: None (default), Read or Write.</summary>
    public DocumentAccess DefaultAccess { get; set; } = DocumentAccess.None;

    /// <summary>
    /// Close connections whose token expired unless the client sent a fresh one (the server asks for it
    /// <see cref="TokenRefreshLead"/> before expiry). Default true.
    /// </summary>
    public bool EnforceExpiry { get; set; } = true;

    /// <summary>How long before expiry the server asks the client for a fresh token. Default 60 s.</summary>
    public TimeSpan TokenRefreshLead { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>True when a key is configured.</summary>
    public bool IsConfigured => !string.IsNullOrEmpty(Secret) || !string.IsNullOrEmpty(PublicKey) || !string.IsNullOrEmpty(PublicKeyFile);
}
