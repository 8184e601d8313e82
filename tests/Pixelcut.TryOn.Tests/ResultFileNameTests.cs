using System.Text;
using CsCheck;

namespace Pixelcut.TryOn.Tests;

public class ResultFileNameTests
{
    private static readonly string Folder = Path.Combine(Path.GetTempPath(), "results");

    [Theory]
    [InlineData("6ba7b810-9dad-11d1-80b4-00c04fd430c8")]
    [InlineData("job 1")]
    [InlineData("é-ü-日本")]
    [InlineData("a.b")]
    [InlineData(".hidden")]
    [InlineData("...x")]
    [InlineData("CONSOLE")]
    [InlineData("COM10")]
    [InlineData("LPT")]
    [InlineData("NULL.txt")]
    [InlineData("xCON")]
    [InlineData("50% [draft] {v2} #3 & 'x'")]
    [InlineData("a~b")]
    [InlineData("v1~draft")]
    [InlineData("ABCDEF~1.x")]
    [InlineData("order-2024-0001~2")]
    public void An_ordinary_id_names_its_own_jpg_in_the_folder(string jobId)
    {
        Assert.Null(ResultFileName.Problem(jobId));
        var (path, problem) = ResultFileName.In(Folder, jobId);
        Assert.Null(problem);
        Assert.Equal(Path.Combine(Folder, jobId + ".jpg"), path);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData(".", "name folders")]
    [InlineData("..", "name folders")]
    [InlineData("../evil", "'/'")]
    [InlineData("a/b", "'/'")]
    [InlineData("..\\evil", "'\\'")]
    [InlineData("x:y", "':'")]
    [InlineData("C:evil", "':'")]
    [InlineData("a*b", "'*'")]
    [InlineData("a?b", "'?'")]
    [InlineData("a\"b", "'\"'")]
    [InlineData("a<b", "'<'")]
    [InlineData("a>b", "'>'")]
    [InlineData("a|b", "'|'")]
    [InlineData("a\0b", "control character")]
    [InlineData("a\tb", "control character")]
    [InlineData("a\u001fb", "control character")]
    [InlineData("a\u007fb", "control character")]
    [InlineData("ABCDEF~1", "short 8.3 name")]
    [InlineData("x~12345", "short 8.3 name")]
    [InlineData("a\u0085b", "control character")]
    [InlineData("a\u009fb", "control character")]
    [InlineData("trailing.", "ends in a dot")]
    [InlineData("trailing ", "ends in a dot or a space")]
    [InlineData("con", "device")]
    [InlineData("CON", "device")]
    [InlineData("Prn", "device")]
    [InlineData("aux", "device")]
    [InlineData("NUL.txt", "device")]
    [InlineData("nul.tar.gz", "device")]
    [InlineData("NUL .txt", "device")]
    [InlineData("COM0", "device")]
    [InlineData("com9", "device")]
    [InlineData("LPT1.log", "device")]
    [InlineData("COM\u00b9", "device")]
    [InlineData("lpt\u00b2", "device")]
    [InlineData("LPT\u00b3.x", "device")]
    [InlineData("CONIN$", "device")]
    public void An_id_that_cannot_name_a_file_is_refused(string jobId, string reason)
    {
        Assert.Contains(reason, ResultFileName.Problem(jobId));
        var (path, problem) = ResultFileName.In(Folder, jobId);
        Assert.Null(path);
        Assert.Contains(reason, problem);
    }

    [Fact]
    public void The_name_may_have_255_UTF8_bytes_and_no_more()
    {
        var longest = new string('a', 255 - ".jpg".Length);
        Assert.Null(ResultFileName.Problem(longest));
        Assert.Contains("256 bytes", ResultFileName.Problem(longest + "a"));
        // Three bytes each in UTF-8, one UTF-16 unit each: counted in bytes, not characters.
        var wide = new string('日', 84);
        Assert.Equal(252 + 4, Encoding.UTF8.GetByteCount(wide + ".jpg"));
        Assert.Contains("256 bytes", ResultFileName.Problem(wide));
        Assert.Null(ResultFileName.Problem(new string('日', 83)));
    }

    [Fact]
    public void The_temporary_name_is_never_a_result_name_and_fits_any_file_system()
    {
        var name = ResultFileName.For(new string('日', 83));
        var temporary = ResultFileName.Temporary(name, "0123456789abcdef");
        Assert.StartsWith(".", temporary);
        Assert.EndsWith(".partial", temporary);
        Assert.True(Encoding.UTF8.GetByteCount(temporary) <= ResultFileName.MaxNameBytes);
        Assert.Equal(".a.jpg.0123456789abcdef.partial", ResultFileName.Temporary("a.jpg", "0123456789abcdef"));
    }

    [Fact]
    public void The_temporary_name_does_not_split_a_surrogate_pair()
    {
        var name = new string('a', 47) + "\U0001F600" + ".jpg";
        var temporary = ResultFileName.Temporary(name, "u");
        Assert.Equal("." + new string('a', 47) + ".u.partial", temporary);
    }

    // ---- Property: whatever the id, an accepted one names exactly one file directly in the folder ----------------

    private static readonly Gen<string> GenElement = Gen.Frequency(
        (8, Gen.Char['a', 'z'].Select(c => c.ToString())),
        (3, Gen.Char['0', '9'].Select(c => c.ToString())),
        (3, Gen.OneOf(".", " ", "-", "_", "..")),
        (2, Gen.Char["/\\:*?\"<>|"].Select(c => c.ToString())),
        (1, Gen.Char['\0', '\u001f'].Select(c => c.ToString())),
        (1, Gen.Char['\u007f', '\u009f'].Select(c => c.ToString())),
        (1, Gen.OneOf("CON", "prn", "Aux", "NUL", "COM", "lpt", "\u00b9", "\u00b2", "\u00b3")),
        (2, Gen.Char['\u00a0', '\ud7ff'].Select(c => c.ToString())),
        (1, Gen.Int[0x10000, 0x10FFFF].Select(char.ConvertFromUtf32)));

    private static readonly Gen<string> GenId = Gen.Frequency(
        (6, GenElement.Array[0, 12].Select(string.Concat)),
        (1, GenElement.Array[60, 140].Select(string.Concat)));

    private static readonly string WindowsInvalid = "<>:\"/\\|?*";

    [Fact]
    public void Every_accepted_id_names_one_file_directly_in_the_folder()
    {
        GenId.Sample(jobId =>
        {
            var (path, problem) = ResultFileName.In(Folder, jobId);
            if (path == null) return problem != null && ResultFileName.Problem(jobId) == problem || problem == "the file would not lie directly in the folder";
            var name = Path.GetFileName(path);
            return problem == null
                && Path.GetDirectoryName(path) == Folder
                && name == jobId + ".jpg"
                && Path.GetFileNameWithoutExtension(path) == jobId
                && name.All(c => c >= ' ' && !char.IsControl(c) && WindowsInvalid.IndexOf(c) < 0)
                && jobId != "." && jobId != ".."
                && !jobId.EndsWith('.') && !jobId.EndsWith(' ')
                && Encoding.UTF8.GetByteCount(name) <= 255
                && Encoding.UTF8.GetByteCount(ResultFileName.Temporary(name, Guid.NewGuid().ToString("N")[..16])) <= 255;
        }, iter: 20000, print: id => string.Join(" ", id.Select(c => ((int)c).ToString("x4"))));
    }

    [Fact]
    public void Every_device_name_is_refused_whatever_its_case_and_extension()
    {
        var stems = Gen.OneOf(Gen.OneOf("CON", "PRN", "AUX", "NUL"),
            Gen.Select(Gen.OneOf("COM", "LPT"), Gen.Char["0123456789\u00b9\u00b2\u00b3"], (name, digit) => name + digit));
        Gen.Select(stems, Gen.Bool.Array[4], Gen.OneOf("", ".txt", ".tar.gz", " .x", ".")).Sample((stem, upper, extension) =>
        {
            var cased = new string(stem.Select((c, i) => i < upper.Length && upper[i] ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c)).ToArray());
            return ResultFileName.Problem(cased + extension) != null;
        }, iter: 2000);
    }
}
