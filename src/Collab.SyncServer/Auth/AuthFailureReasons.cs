namespace Collab.SyncServer.Auth;

/// <summary>PermissionDenied reasons the authentication sends (the provider reports them in <c>authenticationFailed</c>).</summary>
public static class AuthFailureReasons
{
    /// <summary>No token, and authentication is required.</summary>
    public const string AuthenticationRequired = "authentication-required";

    /// <summary>Signature, issuer, audience, algorithm or format is wrong.</summary>
    public const string InvalidToken = "invalid-token";

    /// <summary>The token expired.</summary>
    public const string TokenExpired = "token-expired";

    /// <summary>The token is not valid yet (<c>nbf</c>).</summary>
    public const string TokenNotYetValid = "token-not-yet-valid";

    /// <summary>The token is valid but does not grant this document.</summary>
    public const string PermissionDenied = "permission-denied";
}
