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
            "Pixelcut.TryOn.Commands.GetPixelcutTryOnJobCommand",
            // The cmdlets' shared bases: public because they derive from them, closed to others (private protected
            // constructor, internal abstract members).
            "Pixelcut.TryOn.Commands.PixelcutCommand",
            "Pixelcut.TryOn.Commands.PixelcutJobCommand`1",
            "Pixelcut.TryOn.Commands.PixelcutJobInputCommand",
            "Pixelcut.TryOn.Commands.SavePixelcutTryOnResultCommand",
            "Pixelcut.TryOn.Commands.StopPixelcutTryOnJobCommand",
            "Pixelcut.TryOn.Commands.WaitPixelcutTryOnJobCommand",
            "Pixelcut.TryOn.ErrorKind",
            "Pixelcut.TryOn.PixelcutApiException",
            "Pixelcut.TryOn.PixelcutAuthenticationException",
            "Pixelcut.TryOn.PixelcutConfigurationException",
            "Pixelcut.TryOn.PixelcutConnection",
            "Pixelcut.TryOn.PixelcutConnectionException",
            "Pixelcut.TryOn.PixelcutJobFinishedException",
            "Pixelcut.TryOn.PixelcutJobNotFoundException",
            "Pixelcut.TryOn.PixelcutRateLimitException",
            "Pixelcut.TryOn.PixelcutServerException",
            "Pixelcut.TryOn.TryOnJob",
        }, exported);
    }

    // Each folder is a layer and may use only the layers below it; the root namespace (the public types) is below them all.
    private static readonly string[] Layers = { "Commands", "Session", "Operations", "Dispatch", "Resilience", "Transport", "Settings", "Files", "Errors", "Diagnostics" };

    [Fact]
    public void Layers_depend_only_downwards_and_namespaces_follow_folders()
    {
        var source = Path.Combine(RepositoryRoot(), "src", "Pixelcut.TryOn");
        var violations = new List<string>();
        foreach (var file in Directory.EnumerateFiles(source, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(source, file);
            if (relative.StartsWith("bin", StringComparison.Ordinal) || relative.StartsWith("obj", StringComparison.Ordinal)) continue;
            var folder = Path.GetDirectoryName(relative) ?? "";
            var text = File.ReadAllText(file);
            var expectedNamespace = folder.Length == 0 ? "Pixelcut.TryOn" : "Pixelcut.TryOn." + folder;
            if (!Regex.IsMatch(text, $@"^namespace {Regex.Escape(expectedNamespace)}\s*$", RegexOptions.Multiline))
                violations.Add($"{relative}: namespace is not {expectedNamespace}");

            var rank = folder.Length == 0 ? Layers.Length : Array.IndexOf(Layers, folder);
            Assert.True(rank >= 0, $"{relative} is in a folder that is not a layer");
            // Fully or partly qualified: "using Pixelcut.TryOn.Transport;", "Pixelcut.TryOn.Commands.X", "Commands.X".
            foreach (Match used in Regex.Matches(text, @"(?<![\w.])(?:Pixelcut\.TryOn\.)?(\w+)\.[A-Z]\w*|\bPixelcut\.TryOn\.(\w+)\s*;"))
            {
                var layer = used.Groups[1].Success ? used.Groups[1].Value : used.Groups[2].Value;
                var usedRank = Array.IndexOf(Layers, layer);
                if (usedRank >= 0 && usedRank <= rank && layer != folder)
                    violations.Add($"{relative} ({folder}) uses {layer}");
            }
        }
        Assert.Empty(violations);
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
