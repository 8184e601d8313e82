using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;

namespace Pixelcut.TryOn.Transport
{
    /// <summary>The bodies a request may carry, each sent once only: a JSON object of plain fields, or multipart form data with files.</summary>
    internal static class RequestBody
    {
        /// <summary>A JSON object of string and boolean fields, in the order given.</summary>
        public static OnceOnlyContent Json(IEnumerable<KeyValuePair<string, object>> fields, Action<int>? uploaded)
        {
            var json = new StringBuilder("{");
            foreach (var field in fields)
            {
                if (json.Length > 1) json.Append(',');
                json.Append(Quoted(field.Key)).Append(':');
                json.Append(field.Value is bool flag ? (flag ? "true" : "false") : Quoted(Convert.ToString(field.Value, CultureInfo.InvariantCulture) ?? ""));
            }
            json.Append('}');
            var content = new ByteArrayContent(new UTF8Encoding(false).GetBytes(json.ToString()));
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            return new OnceOnlyContent(content, uploaded);
        }

        /// <summary>Multipart form data: text parts, then file parts read from disk as they are sent. The files are opened here.</summary>
        /// <exception cref="IOException">A file could not be opened.</exception>
        /// <exception cref="UnauthorizedAccessException">A file may not be read.</exception>
        public static OnceOnlyContent Multipart(IEnumerable<KeyValuePair<string, string>> texts, IEnumerable<FilePart> files, Action<int>? uploaded)
        {
            var content = new MultipartFormDataContent();
            try
            {
                foreach (var text in texts) content.Add(new StringContent(text.Value, new UTF8Encoding(false)), text.Key);
                foreach (var file in files)
                {
                    var part = new StreamContent(new FileStream(file.Path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true));
                    part.Headers.ContentType = new MediaTypeHeaderValue(file.MediaType);
                    content.Add(part, file.Name, System.IO.Path.GetFileName(file.Path));
                }
            }
            catch
            {
                content.Dispose();
                throw;
            }
            return new OnceOnlyContent(content, uploaded);
        }

        private static string Quoted(string text)
        {
            var quoted = new StringBuilder("\"");
            foreach (var c in text)
            {
                switch (c)
                {
                    case '"': quoted.Append("\\\""); break;
                    case '\\': quoted.Append("\\\\"); break;
                    default:
                        if (c < ' ') quoted.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                        else quoted.Append(c);
                        break;
                }
            }
            return quoted.Append('"').ToString();
        }
    }

    /// <summary>A file sent as one part of multipart form data.</summary>
    internal sealed class FilePart
    {
        public FilePart(string name, string path, string mediaType)
        {
            Name = name;
            Path = path;
            MediaType = mediaType;
        }

        /// <summary>The form field's name.</summary>
        public string Name { get; }

        /// <summary>The file's full path; its file name goes with the part.</summary>
        public string Path { get; }

        public string MediaType { get; }
    }
}
