using System.Text.RegularExpressions;

namespace Pixelcut.TryOn.Tests;

/// <summary>What scripts can bind to is a promise: a new public type, or a layer reaching upwards, must be a deliberate change.</summary>
public class PublicSurfaceTests
{
    [Fact]
    public void Only_cmdlets_output_types_enums_and_exceptions_are_public()
    {
        var exported = typeof(CancelledJob).Assembly.GetExportedTypes().Select(type => type.FullName).OrderBy(name => name, StringComparer.Ordinal);
        Assert.Equal(new[]
        {
            "Pixelcut.TryOn.CancelledJob",
            "Pixelcut.TryOn.Commands.ConnectPixelcutCommand",
            "Pixelcut.TryOn.Commands.DisconnectPixelcutCommand",
            "Pixelcut.TryOn.Commands.GetPixelcutConnectionCommand",
            "Pixelcut.TryOn.Commands.GetPixelcutCreditCommand",
            "Pixelcut.TryOn.Commands.GetPixelcutTryOnJobCommand",
            // The cmdlets' shared bases: public because the cmdlets derive from them, closed to others (private protected
            // constructor, internal abstract members).
            "Pixelcut.TryOn.Commands.PixelcutBatchCommand`1",
            "Pixelcut.TryOn.Commands.PixelcutCommand",
            "Pixelcut.TryOn.Commands.PixelcutJobCommand`1",
            "Pixelcut.TryOn.Commands.PixelcutRequestCommand",
            "Pixelcut.TryOn.Commands.SavePixelcutTryOnResultCommand",
            "Pixelcut.TryOn.Commands.StartPixelcutTryOnJobCommand",
            "Pixelcut.TryOn.Commands.StopPixelcutTryOnJobCommand",
            "Pixelcut.TryOn.Commands.WaitPixelcutTryOnJobCommand",
            "Pixelcut.TryOn.ErrorKind",
            "Pixelcut.TryOn.PixelcutApiException",
            "Pixelcut.TryOn.PixelcutAuthenticationException",
            "Pixelcut.TryOn.PixelcutConfigurationException",
            "Pixelcut.TryOn.PixelcutConnection",
            "Pixelcut.TryOn.PixelcutConnectionException",
            "Pixelcut.TryOn.PixelcutCredit",
            "Pixelcut.TryOn.PixelcutJobFinishedException",
            "Pixelcut.TryOn.PixelcutJobNotFoundException",
            "Pixelcut.TryOn.PixelcutRateLimitException",
            "Pixelcut.TryOn.PixelcutServerException",
            "Pixelcut.TryOn.TryOnJob",
        }, exported);
    }

    /// <summary>
    /// The README's table of which folder may use which is the map: each folder uses exactly the folders its row names,
    /// no more and no fewer, each below it in the table; and namespaces follow folders.
    /// </summary>
    [Fact]
    public void Folders_use_exactly_the_folders_the_readme_table_allows()
    {
        var allowed = AllowedUses();
        var layers = allowed.Keys.ToList();
        foreach (var (folder, uses) in allowed)
        {
            foreach (var used in uses)
                Assert.True(layers.IndexOf(used) > layers.IndexOf(folder), $"the README lets {folder} use {used}, which is not below it");
        }

        var source = Path.Combine(RepositoryRoot(), "src", "Pixelcut.TryOn");
        var actual = layers.ToDictionary(layer => layer, _ => new SortedSet<string>(StringComparer.Ordinal));
        var problems = new List<string>();
        foreach (var file in Directory.EnumerateFiles(source, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(source, file);
            if (relative.StartsWith("bin", StringComparison.Ordinal) || relative.StartsWith("obj", StringComparison.Ordinal)) continue;
            var folder = Path.GetDirectoryName(relative) is { Length: > 0 } name ? name : Root;
            var text = File.ReadAllText(file);
            var expectedNamespace = folder == Root ? "Pixelcut.TryOn" : "Pixelcut.TryOn." + folder;
            if (!Regex.IsMatch(text, $@"^namespace {Regex.Escape(expectedNamespace)}\s*$", RegexOptions.Multiline))
                problems.Add($"{relative}: namespace is not {expectedNamespace}");
            if (!actual.ContainsKey(folder))
            {
                problems.Add($"{relative} is in a folder the README's table does not list");
                continue;
            }
            foreach (var used in UsedFolders(text, layers).Where(used => used != folder)) actual[folder].Add(used);
        }
        foreach (var layer in layers)
        {
            var expected = new SortedSet<string>(allowed[layer], StringComparer.Ordinal);
            if (!expected.SetEquals(actual[layer]))
                problems.Add($"{layer} uses [{string.Join(", ", actual[layer])}]; the README says [{string.Join(", ", expected)}]");
        }
        Assert.Empty(problems);
    }

    [Fact]
    public void Uses_are_found_in_usings_and_in_qualified_names()
    {
        var layers = new List<string> { "Commands", "Transport", "Errors", "Files" };
        var text = "using Pixelcut.TryOn.Transport;\nvar x = Pixelcut.TryOn.Errors.SafeText.Printable(y) + Files.ResultFileName.For(z);";
        Assert.Equal(new[] { "Errors", "Files", "Transport" }, UsedFolders(text, layers).OrderBy(name => name, StringComparer.Ordinal));
    }

    private const string Root = "(root)";

    /// <summary>The folders a source file names: "using Pixelcut.TryOn.X;", "Pixelcut.TryOn.X.Type", or "X.Type".</summary>
    private static IEnumerable<string> UsedFolders(string text, IReadOnlyList<string> layers) =>
        Regex.Matches(text, @"\bPixelcut\.TryOn\.(\w+)|(?<![\w.])(\w+)\.[A-Z]\w*")
            .Select(used => used.Groups[1].Success ? used.Groups[1].Value : used.Groups[2].Value)
            .Where(layers.Contains)
            .Distinct();

    /// <summary>The README's "Which folder may use which" table, in its order: folder, then the folders it may use.</summary>
    private static Dictionary<string, string[]> AllowedUses()
    {
        var readme = File.ReadAllLines(Path.Combine(RepositoryRoot(), "README.md"));
        var start = Array.FindIndex(readme, line => line.StartsWith("### Which folder may use which", StringComparison.Ordinal));
        Assert.True(start >= 0, "the README has no \"Which folder may use which\" table");
        var table = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var line in readme.Skip(start + 1).SkipWhile(line => !line.StartsWith('|')).TakeWhile(line => line.StartsWith('|')).Skip(2))
        {
            var cells = line.Trim('|').Split('|').Select(cell => cell.Trim()).ToArray();
            var folder = cells[0] == "root" ? Root : cells[0].Trim('`');
            table[folder] = Regex.Matches(cells[1], "`(\\w+)`").Select(match => match.Groups[1].Value).ToArray();
        }
        Assert.True(table.ContainsKey(Root), "the README's table has no row for the root namespace");
        return table;
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory != null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Pixelcut.sln"))) return directory.FullName;
        }
        throw new InvalidOperationException("Pixelcut.sln not found above the test assembly.");
    }
}
