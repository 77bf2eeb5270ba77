using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Collab.SyncServer.Auth;

/// <summary>
/// Validates JSON Web Tokens against <see cref="JwtOptions"/>: signature (HS256 and/or RS256 only, no algorithm
/// confusion), issuer, audience, and lifetime against <see cref="TimeProvider"/> with the configured clock skew.
/// </summary>
public sealed class JwtTokenValidator
{
    private readonly JwtOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly TokenValidationParameters _parameters;

    public JwtTokenValidator(IOptions<AuthOptions> options, IHostEnvironment environment, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(environment);
        _options = options.Value.Jwt;
        _timeProvider = timeProvider;
        var (keys, algorithms) = LoadKeys(_options, environment.ContentRootPath);
        _parameters = new TokenValidationParameters
        {
            IssuerSigningKeys = keys,
            ValidAlgorithms = algorithms,
            TryAllIssuerSigningKeys = true,
            RequireSignedTokens = true,
            ValidateIssuerSigningKey = true,
            ValidateIssuer = !string.IsNullOrEmpty(_options.Issuer),
            ValidIssuer = _options.Issuer,
            ValidateAudience = !string.IsNullOrEmpty(_options.Audience),
            ValidAudience = _options.Audience,
            // Lifetime is checked below against the injected TimeProvider.
            ValidateLifetime = false,
            RequireExpirationTime = false,
        };
    }

    /// <summary>Validates <paramref name="token"/>.</summary>
    public async Task<TokenValidation> ValidateAsync(string token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return TokenValidation.Failed(AuthFailureReasons.InvalidToken);
        }

        var result = await _handler.ValidateTokenAsync(token, _parameters);
        if (!result.IsValid || result.SecurityToken is not JsonWebToken jwt)
        {
            return TokenValidation.Failed(AuthFailureReasons.InvalidToken);
        }

        var now = _timeProvider.GetUtcNow();
        DateTimeOffset? expires = jwt.TryGetPayloadValue<long>(JwtRegisteredClaimNames.Exp, out var exp) ? DateTimeOffset.FromUnixTimeSeconds(exp) : null;
        if (expires is null && _options.RequireExpiration)
        {
            return TokenValidation.Failed(AuthFailureReasons.InvalidToken);
        }

        if (expires is { } e && now >= e + _options.ClockSkew)
        {
            return TokenValidation.Failed(AuthFailureReasons.TokenExpired);
        }

        if (jwt.TryGetPayloadValue<long>(JwtRegisteredClaimNames.Nbf, out var nbf) && now + _options.ClockSkew < DateTimeOffset.FromUnixTimeSeconds(nbf))
        {
            return TokenValidation.Failed(AuthFailureReasons.TokenNotYetValid);
        }

        return TokenValidation.Succeeded(
            jwt.TryGetPayloadValue<string>(JwtRegisteredClaimNames.Sub, out var sub) ? sub : null,
            jwt.TryGetPayloadValue<string>(JwtRegisteredClaimNames.Name, out var name) ? name : null,
            expires is null ? null : expires + _options.ClockSkew,
            Patterns(jwt, _options.WriteClaim),
            Patterns(jwt, _options.ReadClaim),
            _options.DefaultAccess);
    }

    private static List<string> Patterns(JsonWebToken jwt, string claim) =>
        [.. jwt.Claims.Where(c => c.Type == claim)
            .SelectMany(c => c.Value.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))];

    internal static (List<SecurityKey> Keys, List<string> Algorithms) LoadKeys(JwtOptions options, string contentRoot)
    {
        var keys = new List<SecurityKey>();
        var algorithms = new List<string>();
        if (!string.IsNullOrEmpty(options.Secret))
        {
            keys.Add(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(options.Secret)));
            algorithms.Add(SecurityAlgorithms.HmacSha256);
        }

        var pem = options.PublicKey;
        if (string.IsNullOrEmpty(pem) && !string.IsNullOrEmpty(options.PublicKeyFile))
        {
            pem = File.ReadAllText(Path.Combine(contentRoot, options.PublicKeyFile));
        }

        if (!string.IsNullOrEmpty(pem))
        {
            var rsa = RSA.Create();
            rsa.ImportFromPem(pem);
            keys.Add(new RsaSecurityKey(rsa));
            algorithms.Add(SecurityAlgorithms.RsaSha256);
        }

        return (keys, algorithms);
    }
}
