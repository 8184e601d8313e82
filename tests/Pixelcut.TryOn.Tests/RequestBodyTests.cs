namespace Pixelcut.TryOn.Tests;

public sealed class RequestBodyTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory();

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public async Task Json_keeps_the_order_writes_booleans_as_booleans_and_escapes_what_json_must()
    {
        using var body = RequestBody.Json(new[]
        {
            new KeyValuePair<string, object>("url", "https://x.test/a\"b\\c?d=\u0001"),
            new KeyValuePair<string, object>("flag", false),
        }, null);
        Assert.Equal("application/json", body.Headers.ContentType!.MediaType);
        Assert.Equal("{\"url\":\"https://x.test/a\\\"b\\\\c?d=\\u0001\",\"flag\":false}", await body.ReadAsStringAsync());
    }

    [Fact]
    public async Task Multipart_sends_text_parts_and_each_file_with_its_name_and_type()
    {
        var path = Path.Combine(_folder.FullName, "model.png");
        File.WriteAllBytes(path, [1, 2, 3, 4]);
        using var body = RequestBody.Multipart(new[] { new KeyValuePair<string, string>("garment_mode", "upper") },
            new[] { new FilePart("person_image", path, "image/png") }, null);
        var text = await body.ReadAsStringAsync();
        Assert.Equal("multipart/form-data", body.Headers.ContentType!.MediaType);
        Assert.Contains("name=garment_mode", text);
        Assert.Contains("upper", text);
        Assert.Contains("name=person_image; filename=model.png", text);
        Assert.Contains("Content-Type: image/png", text);
    }

    [Fact]
    public void Multipart_refuses_a_file_it_cannot_open() =>
        Assert.Throws<FileNotFoundException>(() => RequestBody.Multipart(Array.Empty<KeyValuePair<string, string>>(),
            new[] { new FilePart("person_image", Path.Combine(_folder.FullName, "gone.png"), "image/png") }, null));
}
