using System.Diagnostics.Metrics;
using Collab.SyncServer.Auth;
using Collab.SyncServer.Extensions;
using Collab.SyncServer.Hooks;
using Collab.Tests.Yjs.Protocols;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Collab.Tests.SyncServer.Extensions.Auth;

public sealed class JwtAuthExtensionTests : IDisposable
{
    private readonly JwtTestKeys _keys = new();
    private readonly ManualTimeProvider _time = new(DateTimeOffset.UtcNow);

    public void Dispose() => _keys.Dispose();

    private static Dictionary<string, object> Write(params string[] patterns) => new() { ["collab_write"] = patterns };

    private (JwtAuthExtension Extension, TokenExpiryWatcher Watcher) Create(Action<AuthOptions>? configure = null)
    {
        var options = new AuthOptions { Jwt = { Secret = JwtTestKeys.Secret, PublicKey = _keys.PublicKeyPem } };
        configure?.Invoke(options);
        var wrapped = Options.Create(options);
        var validator = new JwtTokenValidator(wrapped, new FakeEnvironment(Path.GetTempPath()), _time);
        var watcher = new TokenExpiryWatcher(wrapped, _time, NullLogger<TokenExpiryWatcher>.Instance);
        return (new JwtAuthExtension(validator, watcher, wrapped, NullLogger<JwtAuthExtension>.Instance), watcher);
    }

    private static OnAuthenticatePayload Payload(string documentName, string token) => new()
    {
        Services = new ServiceCollection().BuildServiceProvider(),
        DocumentName = documentName,
        RequestHeaders = new HeaderDictionary(),
        RequestParameters = QueryCollection.Empty,
        SocketId = "socket",
        ConnectionConfig = new ConnectionConfig(),
        Context = new Dictionary<string, object?>(),
        Token = token,
    };

    private static async Task<string> DeniedReason(JwtAuthExtension extension, OnAuthenticatePayload payload) =>
        (await Assert.ThrowsAsync<CollabRejectException>(() => extension.OnAuthenticate(payload).AsTask())).Reason;

    [Fact]
    public async Task Hs256TokenGrantsWriteAccessToAMatchingDocument()
    {
        var (extension, _) = Create();
        var payload = Payload("team/notes", _keys.Hs256(_time.GetUtcNow(), Write("team/*")));

        await extension.OnAuthenticate(payload);

        Assert.False(payload.ConnectionConfig.ReadOnly);
        var user = Assert.IsType<AuthenticatedUser>(payload.Context[AuthenticatedUser.ContextKey]);
        Assert.Equal(("user-1", "Ada", DocumentAccess.Write), (user.Id, user.Name, user.Access));
    }

    [Fact]
    public async Task Rs256TokenSignedWithTheConfiguredKeyIsAccepted()
    {
        var (extension, _) = Create(o => o.Jwt.Secret = null);
        var payload = Payload("doc", _keys.Rs256(_time.GetUtcNow(), Write("doc")));

        await extension.OnAuthenticate(payload);

        Assert.False(payload.ConnectionConfig.ReadOnly);
    }

    [Fact]
    public async Task Rs256PublicKeyCanComeFromAFile()
    {
        using var folder = new TempFolder();
        await File.WriteAllTextAsync(folder.File("jwt.pem"), _keys.PublicKeyPem, TestContext.Current.CancellationToken);
        var (extension, _) = Create(o =>
        {
            o.Jwt.Secret = null;
            o.Jwt.PublicKey = null;
            o.Jwt.PublicKeyFile = folder.File("jwt.pem");
        });

        await extension.OnAuthenticate(Payload("doc", _keys.Rs256(_time.GetUtcNow(), Write("doc"))));
    }

    [Fact]
    public async Task Rs256TokenIsRejectedWhenOnlyASecretIsConfigured()
    {
        var (extension, _) = Create(o => o.Jwt.PublicKey = null);

        Assert.Equal(AuthFailureReasons.InvalidToken, await DeniedReason(extension, Payload("doc", _keys.Rs256(_time.GetUtcNow(), Write("doc")))));
    }

    [Fact]
    public async Task TokenSignedWithAnotherSecretIsRejected()
    {
        var (extension, _) = Create();
        var token = _keys.Hs256(_time.GetUtcNow(), Write("*"), secret: "another-secret-that-is-also-long-enough!!");

        Assert.Equal(AuthFailureReasons.InvalidToken, await DeniedReason(extension, Payload("doc", token)));
    }

    [Fact]
    public async Task GarbageTokenIsRejected()
    {
        var (extension, _) = Create();

        Assert.Equal(AuthFailureReasons.InvalidToken, await DeniedReason(extension, Payload("doc", "not.a.jwt")));
    }

    [Fact]
    public async Task ExpiredTokenIsRejectedAsExpired()
    {
        var (extension, _) = Create();
        var token = _keys.Hs256(_time.GetUtcNow(), Write("*"), TimeSpan.FromMinutes(1));
        _time.Advance(TimeSpan.FromMinutes(2));

        Assert.Equal(AuthFailureReasons.TokenExpired, await DeniedReason(extension, Payload("doc", token)));
    }

    [Fact]
    public async Task TokenWithinTheClockSkewOfItsExpiryIsStillAccepted()
    {
        var (extension, _) = Create();
        var token = _keys.Hs256(_time.GetUtcNow(), Write("*"), TimeSpan.FromMinutes(1));
        _time.Advance(TimeSpan.FromSeconds(80));

        await extension.OnAuthenticate(Payload("doc", token));
    }

    [Fact]
    public async Task TokenForAnotherDocumentIsDeniedAndCounted()
    {
        var (extension, _) = Create();
        var token = _keys.Hs256(_time.GetUtcNow(), Write("team/*"));
        var denials = new List<string?>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == ExtensionsTelemetry.Name && instrument.Name == "collab.auth.denials")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            lock (denials)
            {
                denials.Add(tags.ToArray().Single(t => t.Key == "reason").Value as string);
            }
        });
        listener.Start();

        Assert.Equal(AuthFailureReasons.PermissionDenied, await DeniedReason(extension, Payload("other/notes", token)));
        lock (denials)
        {
            Assert.Contains(AuthFailureReasons.PermissionDenied, denials);
        }
    }

    [Fact]
    public async Task ReadClaimMakesTheConnectionReadOnly()
    {
        var (extension, _) = Create();
        var token = _keys.Hs256(_time.GetUtcNow(), new Dictionary<string, object> { ["collab_read"] = "shared/* public", ["collab_write"] = "mine" });
        var payload = Payload("shared/plan", token);

        await extension.OnAuthenticate(payload);

        Assert.True(payload.ConnectionConfig.ReadOnly);
        Assert.Equal(DocumentAccess.Read, AuthenticatedUser.From(payload.Context)!.Access);
    }

    [Fact]
    public async Task TokenWithoutDocumentClaimsIsDeniedByDefault()
    {
        var (extension, _) = Create();

        Assert.Equal(AuthFailureReasons.PermissionDenied, await DeniedReason(extension, Payload("doc", _keys.Hs256(_time.GetUtcNow()))));
    }

    [Fact]
    public async Task TokenWithoutDocumentClaimsGetsTheConfiguredDefaultAccess()
    {
        var (extension, _) = Create(o => o.Jwt.DefaultAccess = DocumentAccess.Write);
        var payload = Payload("doc", _keys.Hs256(_time.GetUtcNow()));

        await extension.OnAuthenticate(payload);

        Assert.False(payload.ConnectionConfig.ReadOnly);
    }

    [Fact]
    public async Task WrongIssuerOrAudienceIsRejected()
    {
        var (extension, _) = Create(o =>
        {
            o.Jwt.Issuer = "https://issuer.example";
            o.Jwt.Audience = "collab";
        });
        var now = _time.GetUtcNow();

        await extension.OnAuthenticate(Payload("doc", _keys.Hs256(now, Write("*"), issuer: "https://issuer.example", audience: "collab")));
        Assert.Equal(AuthFailureReasons.InvalidToken, await DeniedReason(extension, Payload("doc", _keys.Hs256(now, Write("*"), issuer: "https://evil.example", audience: "collab"))));
        Assert.Equal(AuthFailureReasons.InvalidToken, await DeniedReason(extension, Payload("doc", _keys.Hs256(now, Write("*"), issuer: "https://issuer.example", audience: "other"))));
    }

    [Fact]
    public async Task MissingTokenIsDeniedWhenAuthenticationIsRequired()
    {
        var (extension, _) = Create(o => o.Required = true);

        Assert.Equal(AuthFailureReasons.AuthenticationRequired, await DeniedReason(extension, Payload("doc", "")));
    }

    [Fact]
    public async Task MissingTokenGivesReadOnlyAccessWhenAuthenticationIsOptional()
    {
        var (extension, _) = Create();
        var payload = Payload("doc", "");

        await extension.OnAuthenticate(payload);

        Assert.True(payload.ConnectionConfig.ReadOnly);
    }

    [Fact]
    public async Task OpenConnectionIsAskedForAFreshTokenAndClosedWhenItExpires()
    {
        var (extension, watcher) = Create(o => o.Jwt.ClockSkew = TimeSpan.Zero);
        var connection = new FakeConnection("doc");
        var payload = Payload("doc", _keys.Hs256(_time.GetUtcNow(), Write("doc"), TimeSpan.FromMinutes(5)));
        await extension.OnAuthenticate(payload);
        foreach (var (key, value) in payload.Context)
        {
            connection.Context[key] = value;
        }

        await extension.Connected(new ConnectedPayload
        {
            Services = payload.Services, DocumentName = "doc", RequestHeaders = payload.RequestHeaders, RequestParameters = payload.RequestParameters,
            SocketId = connection.SocketId, ConnectionConfig = connection.Config, Context = connection.Context, Connection = connection, Document = new FakeDocument("doc"),
        });

        _time.Advance(TimeSpan.FromMinutes(4.5));
        Assert.Equal(1, connection.TokenRequests);
        Assert.False(connection.IsClosed);

        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal((CloseCodes.Unauthorized, AuthFailureReasons.TokenExpired), connection.ClosedWith);
        Assert.Equal(0, watcher.TrackedCount);
    }

    [Fact]
    public async Task RefreshedTokenKeepsTheConnectionOpenPastTheFirstExpiry()
    {
        var (extension, _) = Create(o => o.Jwt.ClockSkew = TimeSpan.Zero);
        var document = new FakeDocument("doc");
        var connection = new FakeConnection("doc", document);
        await extension.OnTokenSync(TokenSync(connection, _keys.Hs256(_time.GetUtcNow(), Write("doc"), TimeSpan.FromMinutes(5))));
        _time.Advance(TimeSpan.FromMinutes(4));

        await extension.OnTokenSync(TokenSync(connection, _keys.Hs256(_time.GetUtcNow(), Write("doc"), TimeSpan.FromMinutes(5))));
        _time.Advance(TimeSpan.FromMinutes(2));

        Assert.False(connection.IsClosed);
        _time.Advance(TimeSpan.FromMinutes(4));
        Assert.True(connection.IsClosed);
    }

    [Fact]
    public async Task TokenSyncWithAnInvalidTokenRejectsWithUnauthorized()
    {
        var (extension, _) = Create();
        var connection = new FakeConnection("doc", new FakeDocument("doc"));

        var error = await Assert.ThrowsAsync<CollabRejectException>(() => extension.OnTokenSync(TokenSync(connection, "garbage")).AsTask());

        Assert.Equal(CloseCodes.Unauthorized, error.Code);
    }

    [Fact]
    public async Task TokenSyncWithAReadOnlyTokenMakesTheConnectionReadOnly()
    {
        var (extension, _) = Create();
        var connection = new FakeConnection("doc", new FakeDocument("doc"));

        await extension.OnTokenSync(TokenSync(connection, _keys.Hs256(_time.GetUtcNow(), new Dictionary<string, object> { ["collab_read"] = new[] { "doc" } })));

        Assert.True(connection.Config.ReadOnly);
    }

    private static OnTokenSyncPayload TokenSync(FakeConnection connection, string token) => new()
    {
        Services = new ServiceCollection().BuildServiceProvider(),
        DocumentName = connection.DocumentName,
        Document = connection.Document,
        Connection = connection,
        Token = token,
    };
}
