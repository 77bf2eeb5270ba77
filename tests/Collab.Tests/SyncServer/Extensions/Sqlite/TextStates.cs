using Collab.Yjs;

namespace Collab.Tests.SyncServer.Extensions.Sqlite;

/// <summary>Small Yjs states with one text, for the storage tests.</summary>
internal static class TextStates
{
    /// <summary>The state of a document whose text "t" is <paramref name="text"/>.</summary>
    public static byte[] Of(string text, long clientId = 1)
    {
        var doc = new Doc { ClientId = clientId };
        doc.GetText("t").Insert(0, text);
        return doc.EncodeStateAsUpdate();
    }

    /// <summary>The text "t" of a stored state.</summary>
    public static string Read(byte[] state)
    {
        var doc = new Doc();
        doc.ApplyUpdate(state);
        return doc.GetText("t").ToString();
    }
}
