namespace Pixelcut.TryOn.Tests;

/// <summary>A download's temporary file: made on first use, emptied for a new attempt, deleted unless moved into place.</summary>
public sealed class TemporaryFileTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory();

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public void A_file_never_opened_leaves_nothing_and_one_closed_unmoved_is_deleted()
    {
        var files = new TemporaryFiles();
        var result = Path.Combine(_folder.FullName, "job.jpg");
        using (files.Beside(result)) { }
        Assert.Empty(_folder.GetFiles());
        using (var file = files.Beside(result))
        {
            file.Open().Write([1, 2, 3]);
            Assert.Single(_folder.GetFiles());
            Assert.False(files.WaitForCleanUp(TimeSpan.FromMilliseconds(50)));
        }
        Assert.Empty(_folder.GetFiles());
        Assert.True(files.WaitForCleanUp(TimeSpan.Zero));
    }

    [Fact]
    public void A_new_attempt_starts_the_file_empty_and_only_the_last_picture_is_moved_into_place()
    {
        var files = new TemporaryFiles();
        var result = Path.Combine(_folder.FullName, "job.jpg");
        using var file = files.Beside(result);
        file.Open().Write([9, 9, 9, 9]);
        file.Open().Write([1, 2]);
        Assert.Null(file.MoveTo("job", result, replace: false));
        Assert.Equal(new byte[] { 1, 2 }, File.ReadAllBytes(result));
        Assert.Single(_folder.GetFiles());
    }

    [Fact]
    public void A_file_already_there_is_kept_unless_replacing()
    {
        var files = new TemporaryFiles();
        var result = Path.Combine(_folder.FullName, "job.jpg");
        File.WriteAllBytes(result, [7]);
        using (var file = files.Beside(result))
        {
            file.Open().Write([1]);
            Assert.Equal(ErrorKind.FileExists, file.MoveTo("job", result, replace: false)!.Kind);
        }
        Assert.Equal(new byte[] { 7 }, File.ReadAllBytes(result));
        using (var file = files.Beside(result))
        {
            file.Open().Write([1]);
            Assert.Null(file.MoveTo("job", result, replace: true));
        }
        Assert.Equal(new byte[] { 1 }, File.ReadAllBytes(result));
    }
}
