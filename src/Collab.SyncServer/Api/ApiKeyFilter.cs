using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Collab.SyncServer.Api;

/// <summary>Requires the configured API key (compared in constant time) unless anonymous access is allowed without a key.</summary>
internal sealed class ApiKeyFilter(IOptions<ApiOptions> options) : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var settings = options.Value;
        if (string.IsNullOrEmpty(settings.Key))
        {
            return settings.AllowAnonymous ? next(context) : ValueTask.FromResult<object?>(Results.NotFound());
        }

        var presented = context.HttpContext.Request.Headers[settings.HeaderName].ToString();
        var matches = CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(presented)),
            SHA256.HashData(Encoding.UTF8.GetBytes(settings.Key)));
        return matches ? next(context) : ValueTask.FromResult<object?>(Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "A valid API key is required."));
    }
}
