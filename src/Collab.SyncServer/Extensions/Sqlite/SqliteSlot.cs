namespace Collab.SyncServer.Extensions.Sqlite;

/// <summary>
/// Lets replicas that share one configuration keep one database each: a <c>{slot}</c> in <c>Collab:Sqlite:Path</c> is
/// replaced by the lowest number no running process holds (0, 1, 2…). The slot is held through an exclusive lock on a
/// file beside the database for as long as the process runs, and the operating system releases it when the process ends,
/// however it ends; so a restarted replica finds its folder again, and two live replicas never share a file.
/// </summary>
internal sealed class SqliteSlot : IDisposable
{
    public const string Placeholder = "{slot}";
    private const int MaxSlots = 1024;
    private readonly FileStream _lock;

    private SqliteSlot(int number, string path, FileStream held)
    {
        Number = number;
        Path = path;
        _lock = held;
    }

    public int Number { get; }

    /// <summary>The database path with the slot number in place of <see cref="Placeholder"/>.</summary>
    public string Path { get; }

    public static bool IsTemplate(string path) => path.Contains(Placeholder, StringComparison.Ordinal);

    /// <summary>Claims the lowest free slot of <paramref name="template"/>.</summary>
    /// <exception cref="InvalidOperationException">Every slot is taken.</exception>
    public static SqliteSlot Claim(string template)
    {
        for (var number = 0; number < MaxSlots; number++)
        {
            var path = template.Replace(Placeholder, number.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
            try
            {
                // FileShare.None takes an exclusive advisory lock (flock on Unix) that ends with the process.
                var held = new FileStream(path + ".slot", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                return new SqliteSlot(number, path, held);
            }
            catch (IOException)
            {
                // Held by another live process (or by this one, for an earlier claim): try the next number.
            }
        }

        throw new InvalidOperationException($"All {MaxSlots} slots of {template} are held by running processes.");
    }

    public void Dispose() => _lock.Dispose();
}
