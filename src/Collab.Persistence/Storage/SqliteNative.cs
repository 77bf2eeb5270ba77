namespace Collab.Persistence.Storage;

/// <summary>Initialises the bundled e_sqlite3 provider once per process.</summary>
internal static class SqliteNative
{
    private static readonly Lazy<bool> Initialized = new(() =>
    {
        SQLitePCL.Batteries_V2.Init();
        return true;
    });

    public static void EnsureInitialized() => _ = Initialized.Value;
}
