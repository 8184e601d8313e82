using System;
using System.Collections.Generic;

namespace Pixelcut.TryOn.Transport
{
    /// <summary>A 2xx answer as the transport read it; every string in it is already printable.</summary>
    internal sealed class ApiAnswer
    {
        public ApiAnswer(int statusCode, IReadOnlyDictionary<string, object?>? json, string bodySnippet, string? requestId, DateTime receivedAt)
        {
            RequestId = requestId;
            ReceivedAt = receivedAt;
            StatusCode = statusCode;
            Json = json;
            BodySnippet = bodySnippet;
        }

        public int StatusCode { get; }

        /// <summary>The body as a JSON object; null when it was empty or not one.</summary>
        public IReadOnlyDictionary<string, object?>? Json { get; }

        /// <summary>The start of the body on one line, quoted, for messages about a body the module cannot use.</summary>
        public string BodySnippet { get; }

        /// <summary>The server's id for this answer, when it sent one.</summary>
        public string? RequestId { get; }

        /// <summary>When the whole answer had arrived, in UTC.</summary>
        public DateTime ReceivedAt { get; }
    }
}
