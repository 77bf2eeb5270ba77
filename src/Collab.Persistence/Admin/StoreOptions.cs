using System.CommandLine;
using Collab.Persistence.Storage;

namespace Collab.Persistence.Admin;

/// <summary>
/// The options every verb takes: which store (shortcuts for the <c>Collab:Storage</c> keys), and <c>--verbose</c>.
/// Configuration keys themselves (<c>--Collab:Storage:S3:Region=eu-west-1</c>) are taken out of the command line
/// before parsing (<see cref="SplitConfigurationArguments"/>) and read like the worker reads them.
/// </summary>
internal sealed class StoreOptions
{
    public Option<string?> Sqlite { get; } = new("--sqlite")
    {
        Description = "Use the SQLite store in this file (Collab:Storage:Provider=sqlite, Sqlite:Path).",
        HelpName = "file",
        Recursive = true,
    };

    public Option<string?> Folder { get; } = new("--folder")
    {
        Description = "Use the file-system store in this folder (Collab:Storage:Provider=filesystem, FileSystem:Path).",
        HelpName = "dir",
        Recursive = true,
    };

    public Option<string?> S3 { get; } = new("--s3")
    {
        Description = "Use the S3 store at this service URL (Collab:Storage:Provider=s3, S3:ServiceUrl), e.g. http://localhost:9000.",
        HelpName = "serviceUrl",
        Recursive = true,
    };

    public Option<string?> Bucket { get; } = new("--bucket")
    {
        Description = "The S3 bucket (Collab:Storage:S3:Bucket); selects the S3 store (on AWS without --s3).",
        Recursive = true,
    };

    public Option<string?> KeyPrefix { get; } = new("--key-prefix")
    {
        Description = "The S3 key prefix the documents are under (Collab:Storage:S3:Prefix), e.g. documents/.",
        HelpName = "prefix",
        Recursive = true,
    };

    public Option<bool> Verbose { get; } = new("--verbose")
    {
        Description = "Print the stack trace of an error.",
        Recursive = true,
    };

    public void AddTo(Command root)
    {
        foreach (var option in new Option[] { Sqlite, Folder, S3, Bucket, KeyPrefix, Verbose })
        {
            root.Options.Add(option);
        }
    }

    /// <summary>The <c>Collab:Storage</c> values the shortcuts given on the command line stand for.</summary>
    public Dictionary<string, string?> Overrides(ParseResult parse)
    {
        var sqlite = parse.GetValue(Sqlite);
        var folder = parse.GetValue(Folder);
        var s3 = parse.GetValue(S3) is not null || parse.GetValue(Bucket) is not null;
        if ((sqlite is not null ? 1 : 0) + (folder is not null ? 1 : 0) + (s3 ? 1 : 0) > 1)
        {
            throw AdminException.Usage("--sqlite, --folder and --s3/--bucket choose different stores: give one of them.");
        }

        const string section = StorageOptions.SectionName + ":";
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        void Set(string key, string? value)
        {
            if (value is not null)
            {
                values[section + key] = value;
            }
        }

        Set("Provider", sqlite is not null ? "sqlite" : folder is not null ? "filesystem" : s3 ? "s3" : null);
        Set("Sqlite:Path", sqlite);
        Set("FileSystem:Path", folder);
        Set("S3:ServiceUrl", parse.GetValue(S3));
        Set("S3:Bucket", parse.GetValue(Bucket));
        Set("S3:Prefix", parse.GetValue(KeyPrefix));
        return values;
    }

    /// <summary>
    /// Splits <paramref name="args"/> into the verb's arguments and configuration arguments: <c>--Section:Key=value</c>
    /// or <c>--Section:Key value</c> (a key holding <c>:</c>), which go to the configuration as on the worker.
    /// </summary>
    public static (string[] Command, string[] Configuration) SplitConfigurationArguments(IReadOnlyList<string> args)
    {
        var command = new List<string>();
        var configuration = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var argument = args[i];
            var key = argument.StartsWith("--", StringComparison.Ordinal) ? argument[2..].Split('=', 2)[0] : "";
            if (key.Contains(':', StringComparison.Ordinal))
            {
                configuration.Add(argument);
                if (!argument.Contains('=', StringComparison.Ordinal) && i + 1 < args.Count)
                {
                    configuration.Add(args[++i]);
                }
            }
            else
            {
                command.Add(argument);
            }
        }

        return ([.. command], [.. configuration]);
    }
}
