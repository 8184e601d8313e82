using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Pixelcut.Sandbox;

/// <summary>One part of a multipart submit: FileName for a file part, whose Value is not kept; Bytes the part's body size.</summary>
public sealed record SubmitPart(string Name, string? FileName, string? ContentType, long Bytes, string? Value);

/// <summary>What a submit's body carried, as the request log keeps it: its parts when multipart, its object when JSON.</summary>
public sealed record SubmitWire(string? ContentType, SubmitPart[]? Parts, JsonElement? Json);

/// <summary>An image a submit names: a URL, or a file part's name and size.</summary>
public sealed record SubmitImage(string? Url, string? FileName, long Bytes)
{
    /// <summary>How scripted submit faults name it: the URL, or the file's name.</summary>
    public string FaultKey => Url ?? FileName ?? "";

    /// <summary>How submissions are counted: the URL as sent, or the file's name and size.</summary>
    public override string ToString() => Url ?? $"{FileName} ({Bytes} bytes)";
}

/// <summary>
/// A submit's body, read to its end whatever it holds, so that closing the connection afterwards is an orderly close and
/// not a reset of bytes the server left unread. Unreadable says why it is not JSON or multipart the API could read;
/// Refusal is the 400 its fields earn.
/// </summary>
public sealed record SubmitBody(SubmitWire Wire, SubmitImage? Person, SubmitImage? Garment, string? Unreadable, (string Code, string Message)? Refusal)
{
    private static readonly string[] GarmentModes = ["auto", "full", "upper", "lower"];
    private static readonly string[] Flags = ["preprocess_garment", "wait_for_result"];
    private static readonly string[] Fields = ["person_image_url", "garment_image_url", "garment_mode", .. Flags];

    public static async Task<SubmitBody> ReadAsync(HttpRequest request, CancellationToken aborted)
    {
        var contentType = request.ContentType;
        MediaTypeHeaderValue.TryParse(contentType, out var mediaType);
        try
        {
            if (mediaType?.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) == true)
                return await ReadJsonAsync(request, contentType!, aborted);
            var boundary = HeaderUtilities.RemoveQuotes(mediaType?.Boundary ?? default).Value;
            if (mediaType?.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase) == true && !string.IsNullOrEmpty(boundary))
                return await ReadMultipartAsync(request, contentType!, boundary, aborted);
            return Unread(contentType, "The body must be application/json or multipart/form-data with a boundary.");
        }
        catch (Exception error) when (error is JsonException or IOException or InvalidDataException)
        {
            return Unread(contentType, $"The body could not be read: {error.Message}");
        }
        finally
        {
            // Whatever was not read yet (an epilogue, a body of the wrong type, the rest after a parse error) is read now.
            await request.Body.CopyToAsync(Stream.Null, aborted);
        }
    }

    private static SubmitBody Unread(string? contentType, string why) => new(new SubmitWire(contentType, null, null), null, null, why, null);

    private static async Task<SubmitBody> ReadJsonAsync(HttpRequest request, string contentType, CancellationToken aborted)
    {
        using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: aborted);
        var root = document.RootElement.Clone();
        var wire = new SubmitWire(contentType, null, root);
        if (root.ValueKind != JsonValueKind.Object) return new SubmitBody(wire, null, null, "The body must be a JSON object.", null);
        var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
        string? wrongType = null;
        foreach (var field in root.EnumerateObject())
        {
            var value = field.Value;
            if (value.ValueKind == JsonValueKind.String) fields[field.Name] = value.GetString();
            else if (Flags.Contains(field.Name) && value.ValueKind is JsonValueKind.True or JsonValueKind.False) fields[field.Name] = value.GetRawText();
            else if (value.ValueKind != JsonValueKind.Null && Fields.Contains(field.Name)) wrongType ??= field.Name;
        }
        var person = Url(fields, "person_image_url");
        var garment = Url(fields, "garment_image_url");
        var refusal = wrongType != null ? ("invalid_parameter", $"Invalid value for {wrongType}.") : Refuse(person, garment, fields);
        return new SubmitBody(wire, person, garment, null, refusal);
    }

    private static async Task<SubmitBody> ReadMultipartAsync(HttpRequest request, string contentType, string boundary, CancellationToken aborted)
    {
        var reader = new MultipartReader(boundary, request.Body);
        var parts = new List<SubmitPart>();
        var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
        SubmitImage? personFile = null, garmentFile = null;
        while (await reader.ReadNextSectionAsync(aborted) is { } section)
        {
            var disposition = section.GetContentDispositionHeader();
            var name = HeaderUtilities.RemoveQuotes(disposition?.Name ?? default).Value ?? "";
            var fileName = disposition == null ? null : HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value;
            if (fileName == null)
            {
                using var text = new MemoryStream();
                await section.Body.CopyToAsync(text, aborted);
                var value = Encoding.UTF8.GetString(text.ToArray());
                parts.Add(new SubmitPart(name, null, section.ContentType, text.Length, value));
                fields[name] = value;
                continue;
            }
            var bytes = await CountAsync(section.Body, aborted);
            parts.Add(new SubmitPart(name, fileName, section.ContentType, bytes, null));
            if (name == "person_image") personFile = new SubmitImage(null, fileName, bytes);
            if (name == "garment_image") garmentFile = new SubmitImage(null, fileName, bytes);
        }
        // A file goes before the URL of the same image when both are sent, as the API documents.
        var person = personFile ?? Url(fields, "person_image_url");
        var garment = garmentFile ?? Url(fields, "garment_image_url");
        return new SubmitBody(new SubmitWire(contentType, [.. parts], null), person, garment, null, Refuse(person, garment, fields));
    }

    private static async Task<long> CountAsync(Stream body, CancellationToken aborted)
    {
        var buffer = new byte[64 * 1024];
        long total = 0;
        for (int read; (read = await body.ReadAsync(buffer, aborted)) > 0;) total += read;
        return total;
    }

    private static SubmitImage? Url(Dictionary<string, string?> fields, string name) =>
        fields.GetValueOrDefault(name) is { Length: > 0 } url ? new SubmitImage(url, null, 0) : null;

    /// <summary>The 400 the API answers for these fields, or null when a job may be made of them.</summary>
    private static (string, string)? Refuse(SubmitImage? person, SubmitImage? garment, Dictionary<string, string?> fields)
    {
        if (person == null) return ("missing_parameter", "Missing person_image_url or person_image.");
        if (garment == null) return ("missing_parameter", "Missing garment_image_url or garment_image.");
        if (fields.GetValueOrDefault("garment_mode") is { } mode && !GarmentModes.Contains(mode))
            return ("invalid_parameter", $"garment_mode must be one of {string.Join(", ", GarmentModes)}.");
        // JSON booleans and the strings multipart carries; True, as PowerShell writes a boolean, is neither.
        foreach (var flag in Flags)
            if (fields.GetValueOrDefault(flag) is { } value && value is not ("true" or "false"))
                return ("invalid_parameter", $"{flag} must be true or false.");
        return null;
    }
}
