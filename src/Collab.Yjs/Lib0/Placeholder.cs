namespace Collab.Yjs.Lib0;

/// <summary>Temporary marker so the project compiles before the lib0 codec lands.</summary>
internal static class Placeholder;
