using System;
using Pixelcut.TryOn.Errors;
using Pixelcut.TryOn.Files;
using Pixelcut.TryOn.Transport;

namespace Pixelcut.TryOn.Operations
{
    /// <summary>One image of a submit: a link the API fetches itself, or a local file that was checked and is uploaded.</summary>
    internal sealed class ImageInput
    {
        private ImageInput(Uri? link, string? path, ImageFacts? file)
        {
            Link = link;
            Path = path;
            File = file;
            Shown = link != null ? HttpExchange.Shown(link) : path!;
        }

        public Uri? Link { get; }

        /// <summary>The full path of a local file.</summary>
        public string? Path { get; }

        public ImageFacts? File { get; }

        /// <summary>As records and messages show it: a file's full path, a link without its query (which may be a signed grant).</summary>
        public string Shown { get; }

        /// <summary>A given image as a message shows it before it is checked: a link without its query, which may be a signed grant.</summary>
        public static string AsShown(string given) => IsLink(given, out var link) ? HttpExchange.Shown(link) : SafeText.Printable(given);

        /// <summary>
        /// A given text read as an image link: an absolute http(s) URL, https unless it points at this machine. Null when the
        /// text is no http(s) URL at all (it may be a path); otherwise the link or why it is refused.
        /// </summary>
        public static (ImageInput? Image, string? Problem)? FromLink(string given)
        {
            if (!IsLink(given, out var link)) return null;
            if (!JobPath.IsEncryptedOrLoopback(link))
                return (null, $"'{HttpExchange.Shown(link)}' is a plain http:// link to another machine; the API takes https:// links");
            return (new ImageInput(link, null, null), null);
        }

        private static bool IsLink(string given, out Uri link) =>
            Uri.TryCreate(given, UriKind.Absolute, out link) && (link.Scheme == Uri.UriSchemeHttps || link.Scheme == Uri.UriSchemeHttp);

        /// <summary>A local file, checked as the API would check it, or why it is refused.</summary>
        public static (ImageInput? Image, string? Problem) FromFile(string fullPath)
        {
            var check = ImageFile.Inspect(fullPath);
            return check.Image is ImageFacts facts
                ? (new ImageInput(null, fullPath, facts), (string?)null)
                : (null, $"'{SafeText.Printable(fullPath)}' {check.Problem}");
        }
    }

    /// <summary>One try-on job to submit: the two images and how the garment is read.</summary>
    internal sealed class Submission
    {
        public Submission(ImageInput person, ImageInput garment, string garmentMode, bool preprocessGarment)
        {
            Person = person;
            Garment = garment;
            GarmentMode = garmentMode;
            PreprocessGarment = preprocessGarment;
        }

        public ImageInput Person { get; }
        public ImageInput Garment { get; }

        /// <summary>Auto, Full, Upper or Lower.</summary>
        public string GarmentMode { get; }

        public bool PreprocessGarment { get; }

        /// <summary>Whether a local file goes with it, so it is sent as multipart form data.</summary>
        public bool UploadsFiles => Person.File != null || Garment.File != null;

        /// <summary>What messages call it: "the submit of person image 'p' with garment image 'g'".</summary>
        public string Subject => $"the submit of person image '{Printable(Person.Shown)}' with garment image '{Printable(Garment.Shown)}'";

        /// <summary>How an early stop's warning names it.</summary>
        public string Name => $"'{Printable(Person.Shown)}' with '{Printable(Garment.Shown)}'";

        private static string Printable(string text)
        {
            var shown = SafeText.Printable(text);
            return shown.Length <= 200 ? shown : shown.Substring(0, 200) + "...";
        }
    }
}
