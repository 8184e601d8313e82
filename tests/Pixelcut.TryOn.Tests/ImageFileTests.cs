using System.Text;

namespace Pixelcut.TryOn.Tests;

/// <summary>What the check of a local image reads from headers built here byte by byte, and how each refusal reads.</summary>
public sealed class ImageFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pixelcut-images-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    // ---- Formats -------------------------------------------------------------------------------------------------

    [Fact]
    public void A_PNG_gives_its_size_from_IHDR()
    {
        var bytes = Png(800, 1200);
        var image = Accepted(bytes);
        Assert.Equal(ImageFormat.Png, image.Format);
        Assert.Equal("image/png", image.MediaType);
        Assert.Equal(800, image.Width);
        Assert.Equal(1200, image.Height);
        Assert.Equal(bytes.Length, image.Length);
    }

    [Fact]
    public void A_baseline_JPEG_gives_its_size_from_SOF0()
    {
        var bytes = Jpeg(Jfif, Quantization, Frame(0xC0, 1024, 768), Huffman);
        var image = Accepted(bytes);
        Assert.Equal(ImageFormat.Jpeg, image.Format);
        Assert.Equal("image/jpeg", image.MediaType);
        Assert.Equal(1024, image.Width);
        Assert.Equal(768, image.Height);
        Assert.Equal(bytes.Length, image.Length);
    }

    [Fact]
    public void A_progressive_JPEG_gives_its_size_after_a_60_KB_EXIF_segment()
    {
        var exif = Segment(0xE1, Encoding.ASCII.GetBytes("Exif\0\0").Concat(new byte[60 * 1024]).ToArray());
        var image = Accepted(Jpeg(Jfif, exif, Quantization, Frame(0xC2, 3000, 4000), Huffman));
        Assert.Equal((3000, 4000), (image.Width, image.Height));
    }

    [Theory]
    [InlineData(0xC1)]
    [InlineData(0xC3)]
    [InlineData(0xC5)]
    [InlineData(0xC6)]
    [InlineData(0xC7)]
    [InlineData(0xC9)]
    [InlineData(0xCA)]
    [InlineData(0xCB)]
    [InlineData(0xCD)]
    [InlineData(0xCE)]
    [InlineData(0xCF)]
    public void Every_start_of_frame_marker_gives_the_size(int marker)
    {
        var image = Accepted(Jpeg(Jfif, Frame(marker, 640, 480)));
        Assert.Equal((640, 480), (image.Width, image.Height));
    }

    [Theory]
    [InlineData(0xC4)]
    [InlineData(0xC8)]
    [InlineData(0xCC)]
    public void Huffman_JPG_and_arithmetic_segments_are_skipped_not_taken_for_a_frame(int marker)
    {
        var image = Accepted(Jpeg(Jfif, Frame(marker, 100, 100), Frame(0xC0, 640, 480)));
        Assert.Equal((640, 480), (image.Width, image.Height));
    }

    [Fact]
    public void Fill_bytes_and_standalone_markers_before_the_frame_are_passed_over()
    {
        var fill = new byte[] { 0xFF, 0xFF, 0xFF };
        var restart = new byte[] { 0xFF, 0xD3, 0xFF, 0x01 };
        var image = Accepted(Jpeg(Jfif, fill, restart, Quantization, fill, Frame(0xC0, 500, 700)));
        Assert.Equal((500, 700), (image.Width, image.Height));
    }

    [Fact]
    public void A_lossy_WEBP_gives_its_size_without_the_scaling_bits()
    {
        var bytes = Webp("VP8 ", new byte[] { 0x30, 0x01, 0x00, 0x9D, 0x01, 0x2A }
            .Concat(Little(1234 | 0xC000, 2)).Concat(Little(567 | 0x4000, 2)).Concat(new byte[20]).ToArray());
        var image = Accepted(bytes);
        Assert.Equal(ImageFormat.Webp, image.Format);
        Assert.Equal("image/webp", image.MediaType);
        Assert.Equal((1234, 567), (image.Width, image.Height));
        Assert.Equal(bytes.Length, image.Length);
    }

    [Fact]
    public void A_lossless_WEBP_gives_its_size_from_the_packed_bits()
    {
        // Width and height less one, 14 bits each, then the alpha bit and the version (0).
        var bits = (1234 - 1) | ((5678 - 1) << 14) | (1 << 28);
        var image = Accepted(Webp("VP8L", new byte[] { 0x2F }.Concat(Little(bits, 4)).Concat(new byte[20]).ToArray()));
        Assert.Equal((1234, 5678), (image.Width, image.Height));
    }

    [Fact]
    public void An_extended_WEBP_gives_its_canvas_size()
    {
        var image = Accepted(Webp("VP8X", new byte[] { 0x10, 0, 0, 0 }.Concat(Little(4321 - 1, 3)).Concat(Little(99 - 1, 3)).ToArray()));
        Assert.Equal((4321, 99), (image.Width, image.Height));
    }

    // ---- Limits --------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("png")]
    [InlineData("jpeg")]
    [InlineData("vp8")]
    [InlineData("vp8l")]
    [InlineData("vp8x")]
    public void Each_side_may_be_64_to_6000_px(string format)
    {
        Assert.Equal((64, 6000), Size(Accepted(Image(format, 64, 6000))));
        Assert.Equal((6000, 64), Size(Accepted(Image(format, 6000, 64))));
        Assert.Equal("is 63x100 px; the API takes 64 to 6000 px on each side", Refused(Image(format, 63, 100)));
        Assert.Equal("is 100x63 px; the API takes 64 to 6000 px on each side", Refused(Image(format, 100, 63)));
        Assert.Equal("is 6001x100 px; the API takes 64 to 6000 px on each side", Refused(Image(format, 6001, 100)));
        Assert.Equal("is 100x6001 px; the API takes 64 to 6000 px on each side", Refused(Image(format, 100, 6001)));
    }

    [Fact]
    public void A_file_may_hold_25_MB_and_no_more()
    {
        Assert.Equal(25L * 1024 * 1024, ImageFile.MaxBytes);
        var path = Write(Png(100, 100));
        SetLength(path, ImageFile.MaxBytes);
        Assert.Equal(ImageFile.MaxBytes, ImageFile.Inspect(path).Image?.Length);

        SetLength(path, ImageFile.MaxBytes + 1);
        Assert.Equal("is 25.1 MB; the API takes at most 25 MB", ImageFile.Inspect(path).Problem);
        SetLength(path, (long)(31.2 * 1024 * 1024));
        Assert.Equal("is 31.2 MB; the API takes at most 25 MB", ImageFile.Inspect(path).Problem);
    }

    // ---- Files that are no image the API takes ----------------------------------------------------------------------

    [Fact]
    public void A_file_with_another_signature_is_not_an_image()
    {
        Assert.Equal("is not a JPEG, PNG or WEBP image", Refused(Encoding.ASCII.GetBytes("GIF89a\x40\0\x40\0\0\0\0\0\0\0\0\0")));
        Assert.Equal("is not a JPEG, PNG or WEBP image", Refused(Encoding.ASCII.GetBytes("RIFF\x24\0\0\0WAVEfmt \x10\0\0\0")));
        Assert.Equal("is not a JPEG, PNG or WEBP image", Refused(Encoding.ASCII.GetBytes("person.jpg, but text")));
        Assert.Equal("is not a JPEG, PNG or WEBP image", Refused(Png(100, 100).Skip(1).ToArray()));
    }

    [Fact]
    public void An_empty_file_or_one_shorter_than_a_signature_is_refused()
    {
        Assert.Equal("is empty", Refused(Array.Empty<byte>()));
        Assert.Equal("is not a JPEG, PNG or WEBP image", Refused(new byte[] { 0xFF, 0xD8 }));
        Assert.Equal("is not a JPEG, PNG or WEBP image", Refused(new byte[] { 0x89, 0x50, 0x4E, 0x47 }));
        Assert.Equal("is not a JPEG, PNG or WEBP image", Refused(Encoding.ASCII.GetBytes("RIFF\0\0\0\0WEB")));
    }

    [Fact]
    public void A_PNG_cut_short_or_without_IHDR_first_is_refused()
    {
        Assert.Equal("has a header that could not be read as PNG", Refused(Png(100, 100).Take(20).ToArray()));
        var textFirst = Png(100, 100);
        Encoding.ASCII.GetBytes("tEXt").CopyTo(textFirst, 12);
        Assert.Equal("has a header that could not be read as PNG", Refused(textFirst));
    }

    [Fact]
    public void A_WEBP_cut_short_or_with_an_unknown_first_chunk_is_refused()
    {
        Assert.Equal("has a header that could not be read as WEBP", Refused(Image("vp8", 100, 100).Take(26).ToArray()));
        Assert.Equal("has a header that could not be read as WEBP", Refused(Image("vp8x", 100, 100).Take(29).ToArray()));
        Assert.Equal("has a header that could not be read as WEBP", Refused(Webp("ALPH", new byte[30])));
        Assert.Equal("has a header that could not be read as WEBP", Refused(Webp("VP8 ", new byte[] { 0x30, 0x01, 0x00, 0x9D, 0x01, 0x2B, 100, 0, 100, 0 })));
        Assert.Equal("has a header that could not be read as WEBP", Refused(Webp("VP8L", new byte[] { 0x2E, 100, 0, 0, 0 })));
    }

    [Fact]
    public void A_JPEG_with_no_frame_before_its_scan_or_its_end_is_refused()
    {
        Assert.Equal("is a JPEG whose header gives no image size", Refused(Jpeg(Jfif, Quantization, Huffman)));
        Assert.Equal("is a JPEG whose header gives no image size",
            Refused(new byte[] { 0xFF, 0xD8 }.Concat(Jfif).Concat(new byte[] { 0xFF, 0xD9 }).ToArray()));
    }

    [Fact]
    public void A_JPEG_cut_short_or_broken_before_its_frame_is_refused()
    {
        var withExif = Jpeg(Jfif, Segment(0xE1, new byte[60 * 1024]), Frame(0xC0, 640, 480));
        Assert.Equal("has a header that could not be read as JPEG", Refused(withExif.Take(30 * 1024).ToArray()));
        Assert.Equal("has a header that could not be read as JPEG", Refused(new byte[] { 0xFF, 0xD8, 0xFF }));
        Assert.Equal("has a header that could not be read as JPEG", Refused(new byte[] { 0xFF, 0xD8, 0xFF, 0xE0, 0x00 }));
        // A segment length below 2, a byte where a marker belongs, a second SOI and a frame too short for its size.
        Assert.Equal("has a header that could not be read as JPEG", Refused(Jpeg(new byte[] { 0xFF, 0xE0, 0x00, 0x01 }, Frame(0xC0, 640, 480))));
        Assert.Equal("has a header that could not be read as JPEG", Refused(Jpeg(Jfif, new byte[] { 0x00 }, Frame(0xC0, 640, 480))));
        Assert.Equal("has a header that could not be read as JPEG", Refused(Jpeg(Jfif, new byte[] { 0xFF, 0xD8 }, Frame(0xC0, 640, 480))));
        Assert.Equal("has a header that could not be read as JPEG", Refused(Jpeg(Segment(0xC0, new byte[] { 8, 0x01, 0xE0, 0x02 }))));
    }

    [Fact]
    public void A_JPEG_walk_gives_up_after_1024_markers()
    {
        var restarts = Enumerable.Range(0, 1023).SelectMany(_ => new byte[] { 0xFF, 0xD0 }).ToArray();
        Assert.Equal((640, 480), Size(Accepted(Jpeg(restarts, Frame(0xC0, 640, 480)))));
        Assert.Equal("has a header that could not be read as JPEG", Refused(Jpeg(restarts, restarts, Frame(0xC0, 640, 480))));
    }

    // ---- Paths that are no file --------------------------------------------------------------------------------------

    [Fact]
    public void A_missing_file_does_not_exist()
    {
        Assert.Equal("does not exist", ImageFile.Inspect(Path.Combine(_folder, "missing.jpg")).Problem);
        Assert.Equal("does not exist", ImageFile.Inspect(Path.Combine(_folder, "no-folder", "missing.jpg")).Problem);
    }

    [Fact]
    public void A_folder_is_not_a_file()
    {
        var check = ImageFile.Inspect(_folder);
        Assert.Null(check.Image);
        Assert.Equal("is a folder, not a file", check.Problem);
    }

    [Fact]
    public void A_file_locked_by_another_handle_could_not_be_read()
    {
        var path = Write(Png(100, 100));
        using (new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
        {
            var problem = ImageFile.Inspect(path).Problem;
            Assert.StartsWith("could not be read: ", problem);
            Assert.Contains(path, problem);
            Assert.False(problem!.EndsWith('.'), problem);
        }
        Assert.Equal((100, 100), Size(ImageFile.Inspect(path).Image!));
    }

    // ---- Helpers -----------------------------------------------------------------------------------------------------

    private ImageFacts Accepted(byte[] bytes)
    {
        var check = ImageFile.Inspect(Write(bytes));
        Assert.Null(check.Problem);
        return check.Image!;
    }

    private string? Refused(byte[] bytes)
    {
        var check = ImageFile.Inspect(Write(bytes));
        Assert.Null(check.Image);
        return check.Problem;
    }

    private string Write(byte[] bytes)
    {
        var path = Path.Combine(_folder, Guid.NewGuid().ToString("N"));
        File.WriteAllBytes(path, bytes);
        return path;
    }

    // Grown past what is written, the file is sparse: no 25 MB are written or read.
    private static void SetLength(string path, long length)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Write);
        stream.SetLength(length);
    }

    private static (int, int) Size(ImageFacts image) => (image.Width, image.Height);

    private static byte[] Image(string format, int width, int height) => format switch
    {
        "png" => Png(width, height),
        "jpeg" => Jpeg(Jfif, Quantization, Frame(0xC0, width, height), Huffman),
        "vp8" => Webp("VP8 ", new byte[] { 0x30, 0x01, 0x00, 0x9D, 0x01, 0x2A }.Concat(Little(width, 2)).Concat(Little(height, 2)).ToArray()),
        "vp8l" => Webp("VP8L", new byte[] { 0x2F }.Concat(Little((width - 1) | ((height - 1) << 14), 4)).ToArray()),
        "vp8x" => Webp("VP8X", new byte[4].Concat(Little(width - 1, 3)).Concat(Little(height - 1, 3)).ToArray()),
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    private static byte[] Png(int width, int height) =>
        new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }
            .Concat(Big(13, 4)).Concat(Encoding.ASCII.GetBytes("IHDR")).Concat(Big(width, 4)).Concat(Big(height, 4))
            .Concat(new byte[] { 8, 2, 0, 0, 0 }).Concat(new byte[4]) // bit depth, RGB, compression, filter, interlace; CRC
            .ToArray();

    /// <summary>SOI, the given segments, then a scan and EOI.</summary>
    private static byte[] Jpeg(params byte[][] segments) =>
        new byte[] { 0xFF, 0xD8 }.Concat(segments.SelectMany(segment => segment))
            .Concat(Segment(0xDA, new byte[] { 3, 1, 0x00, 2, 0x11, 3, 0x11, 0, 0x3F, 0 }))
            .Concat(new byte[] { 0x12, 0x34, 0xFF, 0x00, 0x56, 0xFF, 0xD9 }).ToArray();

    private static byte[] Segment(int marker, byte[] payload) =>
        new byte[] { 0xFF, (byte)marker }.Concat(Big(payload.Length + 2, 2)).Concat(payload).ToArray();

    private static byte[] Frame(int marker, int width, int height) =>
        Segment(marker, new byte[] { 8 }.Concat(Big(height, 2)).Concat(Big(width, 2))
            .Concat(new byte[] { 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1 }).ToArray());

    private static readonly byte[] Jfif = Segment(0xE0, Encoding.ASCII.GetBytes("JFIF\0").Concat(new byte[] { 1, 1, 0, 0, 1, 0, 1, 0, 0 }).ToArray());
    private static readonly byte[] Quantization = Segment(0xDB, new byte[65]);
    private static readonly byte[] Huffman = Segment(0xC4, new byte[] { 0x00 }.Concat(new byte[16]).ToArray());

    private static byte[] Webp(string chunk, byte[] data) =>
        Encoding.ASCII.GetBytes("RIFF").Concat(Little(4 + 8 + data.Length, 4)).Concat(Encoding.ASCII.GetBytes("WEBP"))
            .Concat(Encoding.ASCII.GetBytes(chunk)).Concat(Little(data.Length, 4)).Concat(data).ToArray();

    private static byte[] Big(int value, int count) => Enumerable.Range(0, count).Select(i => (byte)(value >> (8 * (count - 1 - i)))).ToArray();
    private static byte[] Little(int value, int count) => Enumerable.Range(0, count).Select(i => (byte)(value >> (8 * i))).ToArray();
}
