using System.Globalization;
using Collab.Yjs.Lib0;

namespace Collab.Persistence.Admin;

/// <summary>How the CLI writes names, sizes and times.</summary>
internal static class AdminText
{
    /// <summary>A document name in double quotes, control characters and quotes escaped (JSON string syntax).</summary>
    public static string Quote(string name) => JsJson.Stringify(name);

    /// <summary>Bytes with thousands separators: <c>12,345 B</c>.</summary>
    public static string Bytes(long bytes) => bytes.ToString("#,0", CultureInfo.InvariantCulture) + " B";

    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string Count(int count, string noun) => count.ToString(CultureInfo.InvariantCulture) + " " + (count == 1 ? noun : noun + "s");
}
