using System.ComponentModel.DataAnnotations;

namespace Collab.SyncServer.Api;

/// <summary>
/// The operator HTTP API, bound from <c>Collab:Api</c>. Off unless <see cref="Key"/> is set (clients then send it in
/// <see cref="HeaderName"/>) or <see cref="AllowAnonymous"/> is true.
/// </summary>
public sealed class ApiOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Collab:Api";

    /// <summary>The API key; requests must carry it in <see cref="HeaderName"/>.</summary>
    public string? Key { get; set; }

    /// <summary>Header that carries the key. Default <c>X-Api-Key</c>.</summary>
    [Required(AllowEmptyStrings = false)]
    public string HeaderName { get; set; } = "X-Api-Key";

    /// <summary>Serve the API without a key (only on trusted networks). Default false.</summary>
    public bool AllowAnonymous { get; set; }

    /// <summary>Path prefix of the API. Default <c>/api</c>.</summary>
    [Required(AllowEmptyStrings = false)]
    public string Path { get; set; } = "/api";

    /// <summary>Largest update accepted by POST. Default 64 MiB.</summary>
    [Range(1, int.MaxValue)]
    public int MaxUpdateBytes { get; set; } = 64 * 1024 * 1024;

    /// <summary>True when the API is served.</summary>
    public bool IsEnabled => !string.IsNullOrEmpty(Key) || AllowAnonymous;
}
