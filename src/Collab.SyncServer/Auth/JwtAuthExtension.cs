using Collab.SyncServer.Telemetry;
using Collab.SyncServer.Extensions;
using Collab.SyncServer.Hooks;
using Microsoft.Extensions.Options;

namespace Collab.SyncServer.Auth;

/// <summary>
/// Authenticates clients with JSON Web Tokens (<see cref="JwtOptions"/>): OnAuthenticate grants write or read-only
/// access per document or denies with PermissionDenied; OnTokenSync accepts refreshed tokens; expired tokens end
/// their connections. Clients without a token are denied when authentication is required, otherwise read-only.
/// </summary>
internal sealed partial class JwtAuthExtension(
    JwtTokenValidator validator,
    TokenExpiryWatcher watcher,
    IOptions<AuthOptions> options,
    ILogger<JwtAuthExtension> logger) : ICollabExtension
{
    /// <summary>Runs early, so that later extensions see the user and read-only flag (the throttle runs before it).</summary>
    public int Priority => 900;

    public async ValueTask OnAuthenticate(OnAuthenticatePayload payload)
    {
        if (string.IsNullOrEmpty(payload.Token))
        {
            if (options.Value.Required)
            {
                LogDenied(payload.DocumentName, AuthFailureReasons.AuthenticationRequired);
                ExtensionsTelemetry.AuthDenials.Add(1, new KeyValuePair<string, object?>("reason", AuthFailureReasons.AuthenticationRequired));
                throw new CollabRejectException(AuthFailureReasons.AuthenticationRequired);
            }

            payload.ConnectionConfig.ReadOnly = true;
            payload.Context[AuthenticatedUser.ContextKey] = new AuthenticatedUser(null, null, DocumentAccess.Read, null);
            return;
        }

        var user = await AuthorizeAsync(payload.Token, payload.DocumentName, CloseCodes.Forbidden);
        if (user.Access == DocumentAccess.Read)
        {
            payload.ConnectionConfig.ReadOnly = true;
        }

        payload.Context[AuthenticatedUser.ContextKey] = user;
    }

    public ValueTask Connected(ConnectedPayload payload)
    {
        if (options.Value.Jwt.EnforceExpiry && AuthenticatedUser.From(payload.Connection.Context)?.ExpiresAt is { } expiresAt)
        {
            watcher.Track(payload.Connection, expiresAt);
        }

        return default;
    }

    public async ValueTask OnTokenSync(OnTokenSyncPayload payload)
    {
        var previous = AuthenticatedUser.From(payload.Context);
        var user = await AuthorizeAsync(payload.Token, payload.DocumentName, CloseCodes.Unauthorized);
        if (user.Access == DocumentAccess.Read)
        {
            payload.Connection.Config.ReadOnly = true;
        }
        else if (previous?.Access == DocumentAccess.Read)
        {
            payload.Connection.Config.ReadOnly = false;
        }

        // The expiry timers are replaced before the context shows the new user, so whoever sees the new user in the
        // context also sees the old token's timers gone.
        if (options.Value.Jwt.EnforceExpiry && user.ExpiresAt is { } expiresAt)
        {
            watcher.Track(payload.Connection, expiresAt);
        }
        else
        {
            watcher.Untrack(payload.Connection);
        }

        payload.Context[AuthenticatedUser.ContextKey] = user;
    }

    public ValueTask OnDisconnect(OnDisconnectPayload payload)
    {
        watcher.Untrack(payload.Connection);
        return default;
    }

    private async Task<AuthenticatedUser> AuthorizeAsync(string token, string documentName, int code)
    {
        var validation = await validator.ValidateAsync(token);
        if (!validation.IsValid)
        {
            LogDenied(documentName, validation.FailureReason!);
            ExtensionsTelemetry.AuthDenials.Add(1, new KeyValuePair<string, object?>("reason", validation.FailureReason));
            throw new CollabRejectException(code, validation.FailureReason!);
        }

        var access = validation.AccessTo(documentName);
        if (access == DocumentAccess.None)
        {
            LogDenied(documentName, AuthFailureReasons.PermissionDenied);
            ExtensionsTelemetry.AuthDenials.Add(1, new KeyValuePair<string, object?>("reason", AuthFailureReasons.PermissionDenied));
            throw new CollabRejectException(code, AuthFailureReasons.PermissionDenied);
        }

        LogAuthenticated(validation.Subject, documentName, access);
        return new AuthenticatedUser(validation.Subject, validation.Name, access, validation.ExpiresAt);
    }

    [LoggerMessage(EventId = 3201, Level = LogLevel.Information, Message = "Authentication for {DocumentName} denied: {Reason}")]
    private partial void LogDenied(LogText documentName, LogText reason);

    [LoggerMessage(EventId = 3202, Level = LogLevel.Debug, Message = "{Subject} authenticated for {DocumentName} with {Access} access")]
    private partial void LogAuthenticated(LogText subject, LogText documentName, DocumentAccess access);
}
