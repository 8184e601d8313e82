using System;
using System.Globalization;
using System.IO;
using System.Security;
using System.Text;
using Pixelcut.TryOn.Errors;

namespace Pixelcut.TryOn.Files
{
    /// <summary>
    /// The check a local image passes before it is uploaded: the API takes JPEG, PNG and WEBP files of at most 25 MB
    /// and 64 to 6000 px on each side. Only the header is read, so a file the API would refuse costs no upload, and
    /// the check never holds the file in memory.
    /// </summary>
    internal static class ImageFile
    {
        public const int MaxMegabytes = 25;
        public const long MaxBytes = MaxMegabytes * 1024 * 1024;
        public const int MinSide = 64;
        public const int MaxSide = 6000;

        // The PNG signature and IHDR take 24 bytes; the RIFF header, the first chunk's header and the part of the chunk
        // that holds the size take 30. A JPEG's size can lie further in, so it is walked to instead.
        private const int HeaderBytes = 30;

        // A JPEG's frame header follows a few dozen segments at most; a file of nothing but empty segments or standalone
        // markers is not walked to its end.
        private const int MaxJpegMarkers = 1024;

        private static readonly byte[] JpegSignature = { 0xFF, 0xD8, 0xFF };
        private static readonly byte[] PngSignature = { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A };

        /// <summary>The facts of the image at <paramref name="fullPath"/>, or why the API would not take it.</summary>
        public static ImageCheck Inspect(string fullPath)
        {
            // Opening a folder fails with a message about access that would mislead.
            if (Directory.Exists(fullPath)) return ImageCheck.Refused("is a folder, not a file");
            try
            {
                using var stream = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.Read);
                return Inspect(stream);
            }
            catch (Exception e) when (e is FileNotFoundException || e is DirectoryNotFoundException)
            {
                return ImageCheck.Refused("does not exist");
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is SecurityException ||
                                      e is NotSupportedException || e is ArgumentException)
            {
                return ImageCheck.Refused("could not be read: " + SafeText.Printable(e.Message.TrimEnd('.')));
            }
        }

        private static ImageCheck Inspect(FileStream stream)
        {
            var length = stream.Length;
            if (length == 0) return ImageCheck.Refused("is empty");
            if (length > MaxBytes) return ImageCheck.Refused($"is {Megabytes(length)} MB; the API takes at most {MaxMegabytes} MB");
            var header = new byte[HeaderBytes];
            var read = ReadUpTo(stream, header);
            if (StartsWith(header, read, JpegSignature)) return Jpeg(stream, length);
            if (StartsWith(header, read, PngSignature)) return Png(header, read, length);
            if (read >= 12 && IsAscii(header, 0, "RIFF") && IsAscii(header, 8, "WEBP")) return Webp(header, read, length);
            return ImageCheck.Refused("is not a JPEG, PNG or WEBP image");
        }

        private static ImageCheck Png(byte[] header, int read, long length)
        {
            if (read < 24 || BigEndian32(header, 8) != 13 || !IsAscii(header, 12, "IHDR")) return Unreadable("PNG");
            return Sized(ImageFormat.Png, BigEndian32(header, 16), BigEndian32(header, 20), length);
        }

        private static ImageCheck Webp(byte[] header, int read, long length)
        {
            const int Data = 20;
            if (read >= Data + 10 && IsAscii(header, 12, "VP8 ") &&
                header[Data + 3] == 0x9D && header[Data + 4] == 0x01 && header[Data + 5] == 0x2A)
            {
                // The top two bits of each are the upscaling the decoder may apply, not part of the size.
                return Sized(ImageFormat.Webp, LittleEndian(header, Data + 6, 2) & 0x3FFF, LittleEndian(header, Data + 8, 2) & 0x3FFF, length);
            }
            if (read >= Data + 5 && IsAscii(header, 12, "VP8L") && header[Data] == 0x2F)
            {
                var bits = LittleEndian(header, Data + 1, 4);
                return Sized(ImageFormat.Webp, (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1, length);
            }
            if (read >= Data + 10 && IsAscii(header, 12, "VP8X"))
                return Sized(ImageFormat.Webp, LittleEndian(header, Data + 4, 3) + 1, LittleEndian(header, Data + 7, 3) + 1, length);
            return Unreadable("WEBP");
        }

        // Segments are skipped by seeking: an EXIF segment before the frame header may hold up to 64 KB.
        private static ImageCheck Jpeg(FileStream stream, long length)
        {
            // The signature's last byte starts the first marker after SOI.
            stream.Position = 2;
            for (var markers = 0; markers < MaxJpegMarkers; markers++)
            {
                if (stream.ReadByte() != 0xFF) return Unreadable("JPEG");
                int marker;
                do marker = stream.ReadByte(); while (marker == 0xFF);
                if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) continue;
                if (marker == 0xDA || marker == 0xD9) return ImageCheck.Refused("is a JPEG whose header gives no image size");
                if (marker < 0 || marker == 0x00 || marker == 0xD8) return Unreadable("JPEG");

                var segmentLength = BigEndian16(stream);
                var segmentEnd = stream.Position + segmentLength - 2;
                if (segmentLength < 2 || segmentEnd > length) return Unreadable("JPEG");
                if (IsStartOfFrame(marker))
                {
                    if (segmentLength < 8) return Unreadable("JPEG");
                    stream.ReadByte(); // the sample precision
                    var height = BigEndian16(stream);
                    return Sized(ImageFormat.Jpeg, BigEndian16(stream), height, length);
                }
                stream.Position = segmentEnd;
            }
            return Unreadable("JPEG");
        }

        // C4 (Huffman tables), C8 (reserved) and CC (arithmetic coding) share the range but carry no frame.
        private static bool IsStartOfFrame(int marker) =>
            marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;

        private static ImageCheck Sized(ImageFormat format, long width, long height, long length)
        {
            if (width < MinSide || height < MinSide || width > MaxSide || height > MaxSide)
                return ImageCheck.Refused($"is {width}x{height} px; the API takes {MinSide} to {MaxSide} px on each side");
            return ImageCheck.Accepted(new ImageFacts(format, (int)width, (int)height, length));
        }

        private static ImageCheck Unreadable(string format) => ImageCheck.Refused("has a header that could not be read as " + format);

        // Rounded up, so a file just over the limit does not read as 25.0 MB.
        private static string Megabytes(long bytes) =>
            (Math.Ceiling(bytes * 10.0 / (1024 * 1024)) / 10).ToString("0.0", CultureInfo.InvariantCulture);

        private static int ReadUpTo(Stream stream, byte[] buffer)
        {
            var total = 0;
            int read;
            while (total < buffer.Length && (read = stream.Read(buffer, total, buffer.Length - total)) > 0) total += read;
            return total;
        }

        private static bool StartsWith(byte[] header, int read, byte[] signature)
        {
            if (read < signature.Length) return false;
            for (var i = 0; i < signature.Length; i++)
            {
                if (header[i] != signature[i]) return false;
            }
            return true;
        }

        private static bool IsAscii(byte[] header, int offset, string text) =>
            Encoding.ASCII.GetString(header, offset, text.Length) == text;

        private static long BigEndian32(byte[] bytes, int offset) =>
            ((long)bytes[offset] << 24) | ((long)bytes[offset + 1] << 16) | ((long)bytes[offset + 2] << 8) | bytes[offset + 3];

        private static long LittleEndian(byte[] bytes, int offset, int count)
        {
            long value = 0;
            for (var i = count - 1; i >= 0; i--) value = (value << 8) | bytes[offset + i];
            return value;
        }

        /// <summary>The next two bytes as a big-endian number; -1 at the end of the file.</summary>
        private static int BigEndian16(Stream stream)
        {
            var high = stream.ReadByte();
            var low = stream.ReadByte();
            return high < 0 || low < 0 ? -1 : (high << 8) | low;
        }
    }
}
