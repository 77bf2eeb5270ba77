namespace Collab.SyncServer.Auth;

/// <summary>Who a connection authenticated as; stored in the connection context under <see cref="ContextKey"/>.</summary>
/// <param name="Id">The token's <c>sub</c> (null for anonymous readers).</param>
/// <param name="Name">The token's <c>name</c>, when present.</param>
/// <param name="Access">What the connection may do with its document.</param>
/// <param name="ExpiresAt">When the token expires (including the clock skew), if it does.</param>
public sealed record AuthenticatedUser(string? Id, string? Name, DocumentAccess Access, DateTimeOffset? ExpiresAt)
{
    /// <summary>The context key.</summary>
    public const string ContextKey = "user";

    /// <summary>The user of a connection context, if authentication put one there.</summary>
    public static AuthenticatedUser? From(IDictionary<string, object?> context) =>
        context.TryGetValue(ContextKey, out var value) ? value as AuthenticatedUser : null;
}
