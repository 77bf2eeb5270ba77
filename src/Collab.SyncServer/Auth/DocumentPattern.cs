namespace Collab.SyncServer.Auth;

/// <summary>Document name patterns where <c>*</c> matches any run of characters (including none and <c>/</c>); everything else matches itself.</summary>
internal static class DocumentPattern
{
    /// <summary>Greedy glob match with single-star backtracking: O(pattern × name) at worst, never exponential.</summary>
    public static bool IsMatch(ReadOnlySpan<char> pattern, ReadOnlySpan<char> name)
    {
        int p = 0, n = 0, star = -1, resume = 0;
        while (n < name.Length)
        {
            if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                resume = n;
            }
            else if (p < pattern.Length && pattern[p] == name[n])
            {
                p++;
                n++;
            }
            else if (star >= 0)
            {
                p = star + 1;
                n = ++resume;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }

    public static bool MatchesAny(IEnumerable<string> patterns, string name) => patterns.Any(p => IsMatch(p, name));
}
