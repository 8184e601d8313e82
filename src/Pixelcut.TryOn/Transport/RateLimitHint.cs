using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;

namespace Pixelcut.TryOn.Transport
{
    /// <summary>
    /// What an answer's rate-limit headers say, when it sends any (the documented API sends none): the IETF httpapi draft's
    /// RateLimit-Policy and RateLimit, or the older RateLimit-Remaining/-Reset and X-RateLimit-Remaining/-Reset pairs.
    /// </summary>
    internal sealed class RateLimitHint
    {
        private static readonly Regex Item = new Regex(@"^\s*""?(?<name>[^"";]*)""?\s*(?<params>(;[^;]*)*)$");
        private static readonly Regex Parameter = new Regex(@";\s*(?<key>[a-z]+)\s*=\s*""?(?<value>[^"";]*)""?");
        // An X-RateLimit-Reset this large is a Unix time, as some servers send it, not seconds from now.
        private const double UnixTimeFrom = 1000000000;

        /// <summary>The longest a reset holds a key's requests, as for Retry-After: a minute.</summary>
        public static readonly TimeSpan MostHeld = TimeSpan.FromMinutes(1);

        private RateLimitHint(bool concurrency, int? remaining, TimeSpan? resetAfter)
        {
            Concurrency = concurrency;
            Remaining = remaining;
            ResetAfter = resetAfter;
        }

        /// <summary>The refusal came from a limit on requests in flight (a policy whose quota unit is concurrent-requests).</summary>
        public bool Concurrency { get; }

        /// <summary>Requests left in the current window; 0 means none will pass until <see cref="ResetAfter"/>.</summary>
        public int? Remaining { get; }

        public TimeSpan? ResetAfter { get; }

        /// <summary>What the headers say; null when they carry none of these.</summary>
        public static RateLimitHint? Of(HttpResponseHeaders headers, DateTimeOffset now)
        {
            var policies = Values(headers, "RateLimit-Policy");
            var limits = Values(headers, "RateLimit");
            if (limits != null) return FromDraft(policies, limits, now);
            var remaining = Values(headers, "RateLimit-Remaining") ?? Values(headers, "X-RateLimit-Remaining");
            var reset = Values(headers, "RateLimit-Reset") ?? Values(headers, "X-RateLimit-Reset");
            if (remaining == null && reset == null) return null;
            return new RateLimitHint(false, Integer(remaining), Seconds(reset, now));
        }

        /// <summary>
        /// The newer draft names each policy: a refused item (r=0) whose policy counts concurrent requests says the refusal
        /// was concurrency's; otherwise the lowest remaining and its reset.
        /// </summary>
        private static RateLimitHint FromDraft(string? policies, string limits, DateTimeOffset now)
        {
            var concurrentPolicies = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var (name, parameters) in Items(policies))
            {
                if (parameters.TryGetValue("qu", out var unit) && string.Equals(unit, "concurrent-requests", StringComparison.OrdinalIgnoreCase))
                    concurrentPolicies.Add(name);
            }
            int? lowest = null;
            TimeSpan? reset = null;
            var concurrency = false;
            foreach (var (name, parameters) in Items(limits))
            {
                if (!parameters.TryGetValue("r", out var text) || !int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var left)) continue;
                if (left <= 0 && concurrentPolicies.Contains(name)) concurrency = true;
                if (concurrentPolicies.Contains(name) || (lowest.HasValue && left >= lowest.Value)) continue;
                lowest = left;
                reset = parameters.TryGetValue("t", out var seconds) ? Seconds(seconds, now) : null;
            }
            return new RateLimitHint(concurrency, lowest, reset);
        }

        private static IEnumerable<(string Name, Dictionary<string, string> Parameters)> Items(string? header)
        {
            if (string.IsNullOrEmpty(header)) yield break;
            foreach (var part in header!.Split(','))
            {
                var match = Item.Match(part);
                if (!match.Success) continue;
                var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                foreach (Match parameter in Parameter.Matches(match.Groups["params"].Value)) parameters[parameter.Groups["key"].Value] = parameter.Groups["value"].Value;
                yield return (match.Groups["name"].Value.Trim(), parameters);
            }
        }

        private static string? Values(HttpResponseHeaders headers, string name) =>
            headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;

        private static int? Integer(string? text) =>
            int.TryParse(text?.Split(',')[0].Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : (int?)null;

        private static TimeSpan? Seconds(string? text, DateTimeOffset now)
        {
            if (!double.TryParse(text?.Split(',')[0].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
                || double.IsNaN(seconds) || double.IsInfinity(seconds) || seconds < 0) return null;
            if (seconds >= UnixTimeFrom) seconds = Math.Max(0, seconds - now.ToUnixTimeSeconds());
            return TimeSpan.FromSeconds(Math.Min(seconds, MostHeld.TotalSeconds));
        }
    }
}
