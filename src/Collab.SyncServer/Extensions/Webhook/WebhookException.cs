namespace Collab.SyncServer.Extensions.Webhook;

/// <summary>A webhook endpoint answered with a non-success status.</summary>
public sealed class WebhookException : Exception
{
    public WebhookException()
    {
    }

    public WebhookException(string message) : base(message)
    {
    }

    public WebhookException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public WebhookException(string eventName, int statusCode) : base($"Webhook \"{eventName}\" answered with HTTP {statusCode}.") => StatusCode = statusCode;

    /// <summary>The HTTP status of the answer.</summary>
    public int StatusCode { get; }
}
