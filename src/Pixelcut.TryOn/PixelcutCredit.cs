using System;

namespace Pixelcut.TryOn
{
    /// <summary>The account's credit balance as the API gave it at <see cref="RetrievedAt"/>.</summary>
    public sealed class PixelcutCredit
    {
        internal PixelcutCredit(decimal creditsRemaining, DateTime retrievedAt, string? requestId)
        {
            CreditsRemaining = creditsRemaining;
            RetrievedAt = retrievedAt;
            RequestId = requestId;
        }

        public decimal CreditsRemaining { get; }

        /// <summary>When the answer arrived, in UTC.</summary>
        public DateTime RetrievedAt { get; }

        /// <summary>The API's id for the answer, when it sent one.</summary>
        public string? RequestId { get; }
    }
}
