namespace Pixelcut.TryOn.Files
{
    internal enum ImageFormat { Jpeg, Png, Webp }

    /// <summary>What the header of an image the API takes says about it.</summary>
    internal sealed class ImageFacts
    {
        public ImageFacts(ImageFormat format, int width, int height, long length)
        {
            Format = format;
            Width = width;
            Height = height;
            Length = length;
        }

        public ImageFormat Format { get; }

        /// <summary>The Content-Type the file is uploaded with.</summary>
        public string MediaType => Format switch
        {
            ImageFormat.Jpeg => "image/jpeg",
            ImageFormat.Png => "image/png",
            _ => "image/webp",
        };

        public int Width { get; }
        public int Height { get; }

        /// <summary>The file's size in bytes.</summary>
        public long Length { get; }
    }

    /// <summary>The outcome of <see cref="ImageFile.Inspect"/>: the image's facts, or why the file cannot be sent.</summary>
    internal sealed class ImageCheck
    {
        private ImageCheck(ImageFacts? image, string? problem)
        {
            Image = image;
            Problem = problem;
        }

        /// <summary>The facts of an image the API takes; null when there is a <see cref="Problem"/>.</summary>
        public ImageFacts? Image { get; }

        /// <summary>
        /// Why the file cannot be sent, in lower case, completing "The person image '&lt;path&gt;' ...";
        /// null when there is an <see cref="Image"/>.
        /// </summary>
        public string? Problem { get; }

        public static ImageCheck Accepted(ImageFacts image) => new ImageCheck(image, null);
        public static ImageCheck Refused(string problem) => new ImageCheck(null, problem);
    }
}
