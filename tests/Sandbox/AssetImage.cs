namespace Pixelcut.Sandbox;

/// <summary>The picture the result host serves: a real baseline JPEG, grown to any size a test asks for.</summary>
public static class AssetImage
{
    private const int ComHeader = 4;
    private const int MaxComPayload = 65533;

    /// <summary>An 8x8 colour baseline JPEG from libjpeg's cjpeg, 304 bytes, that any decoder reads.</summary>
    public static readonly byte[] Base = Convert.FromBase64String(
        "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRofHh0a" +
        "HBwgJC4nICIsIxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL/2wBDAQkJCQwLDBgNDRgyIRwhMjIyMjIy" +
        "MjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjL/wAARCAAIAAgDASIA" +
        "AhEBAxEB/8QAFQABAQAAAAAAAAAAAAAAAAAAAAX/xAAXEAEAAwAAAAAAAAAAAAAAAAAAAwUx/8QA" +
        "FAEBAAAAAAAAAAAAAAAAAAAABf/EABoRAAEFAQAAAAAAAAAAAAAAAAABAgMEEjH/2gAMAwEAAhED" +
        "EQA/AK9bFgAyanDvgvYcuz//2Q==");

    private static readonly int ScanStart = FindScanStart(Base);

    /// <summary>
    /// The base image padded to exactly <paramref name="size"/> bytes, or the base image when that is not larger. The
    /// padding is comment (COM) segments before the scan, and for a last one to three bytes too few for a segment, fill
    /// bytes (0xFF) before the scan's marker, which the JPEG standard allows before any marker; the image stays decodable.
    /// </summary>
    public static byte[] OfSize(int size)
    {
        if (size <= Base.Length) return Base;
        var image = new byte[size];
        Base.AsSpan(0, ScanStart).CopyTo(image);
        var at = ScanStart;
        var extra = size - Base.Length;
        while (extra >= ComHeader)
        {
            var payload = Math.Min(extra - ComHeader, MaxComPayload);
            // Leave no remainder too small for a segment of its own when a shorter payload avoids it.
            if (extra - ComHeader - payload is > 0 and < ComHeader) payload -= ComHeader;
            var length = payload + 2;
            image[at] = 0xFF;
            image[at + 1] = 0xFE;
            image[at + 2] = (byte)(length >> 8);
            image[at + 3] = (byte)length;
            // The payload stays zeros: a comment's bytes are never interpreted.
            at += ComHeader + payload;
            extra -= ComHeader + payload;
        }
        image.AsSpan(at, extra).Fill(0xFF);
        Base.AsSpan(ScanStart).CopyTo(image.AsSpan(at + extra));
        return image;
    }

    /// <summary>Where the start-of-scan marker (FF DA) begins, walking the segments that follow start-of-image.</summary>
    private static int FindScanStart(byte[] jpeg)
    {
        var at = 2;
        // Each segment is FF, its marker, then a big-endian length that counts itself but not the marker.
        while (jpeg[at + 1] != 0xDA) at += 2 + (jpeg[at + 2] << 8 | jpeg[at + 3]);
        return at;
    }
}
