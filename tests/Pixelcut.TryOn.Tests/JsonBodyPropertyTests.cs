using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using CsCheck;

namespace Pixelcut.TryOn.Tests;

/// <summary>
/// Property tests for <see cref="JsonBody.TryParseObject"/>: whatever text an API answer or a broken proxy hands it,
/// it gives a dictionary or null, promptly, and never throws; and it reads back what a real serialiser wrote.
/// Each parse runs on a worker thread with a time limit, so a parse that loops fails its property instead of blocking the run.
/// </summary>
public class JsonBodyPropertyTests
{
    private static readonly string[] RealBodies =
    [
        """{"job_id":"6ba7b810-9dad-11d1-80b4-00c04fd430c8","status":"failed","error":{"message":"Job was cancelled","error_code":"job_cancelled"}}""",
        """{"message":"Job cancelled"}""",
        """{"error":"Too many requests","error_code":"rate_limit_exceeded"}""",
        """{"job_id":"a","status":"failed","error":{"message":"Job \"x\"\n","error_code":"job_cancelled"},"n":1.5e2,"ok":true,"list":[1,null]}""",
        """{"job_id":"6ba7b810-9dad-11d1-80b4-00c04fd430c8","status":"completed","result_url":"https:\/\/cdn.example\/out.jpg","progress":1.0}""",
    ];

    private readonly ParseGuard _guard = new();

    // ---- Generators -------------------------------------------------------------------------------------------

    /// <summary>One UTF-16 unit or surrogate pair, leaning on the characters a JSON reader has to treat specially.</summary>
    private static readonly Gen<string> GenTextElement = Gen.Frequency(
        (6, Gen.Char['a', 'z'].Select(c => c.ToString())),
        (3, Gen.Char[' ', '~'].Select(c => c.ToString())),
        (2, Gen.Char["\"\\/"].Select(c => c.ToString())),
        (2, Gen.Char['\0', '\x1f'].Select(c => c.ToString())),
        (2, Gen.Char['\u0080', '\ud7ff'].Select(c => c.ToString())),
        (1, Gen.Char['\ue000', '\uffff'].Select(c => c.ToString())),
        (2, Gen.Int[0x10000, 0x10FFFF].Select(char.ConvertFromUtf32)));

    /// <summary>Well-formed UTF-16: what a serialiser is asked to write.</summary>
    private static readonly Gen<string> GenText = GenTextElement.Array[0, 12].Select(string.Concat);

    /// <summary>Any UTF-16, unpaired surrogates included: what a JSON string can carry through \u escapes.</summary>
    private static readonly Gen<string> GenAnyText = Gen.Frequency(
        (4, GenTextElement),
        (1, Gen.Char['\ud800', '\udfff'].Select(c => c.ToString()))).Array[0, 12].Select(string.Concat);

    /// <summary>A text and one JSON string literal for it, each character written raw, as a short escape, or as a \u escape in either case.</summary>
    private static readonly Gen<(string Value, string Literal)> GenStringLiteral =
        GenAnyText.SelectMany(text => Gen.Int[0, 5].Array[text.Length].Select(modes => (text, Literal(text, modes))));

    private static readonly Gen<string> GenNumber = Gen.Frequency(
        (3, Gen.Int.Select(i => i.ToString(CultureInfo.InvariantCulture))),
        (2, Gen.Double.Where(double.IsFinite).Select(d => d.ToString("R", CultureInfo.InvariantCulture))),
        (1, Gen.OneOf("0", "-0", "0.5", "-1.25e-3", "1E+2", "6.02e23")));

    private static readonly Gen<string> GenSpace = Gen.Frequency(
        (8, Gen.Const("")),
        (2, Gen.OneOf(" ", "\n", "\r\n", "\t", "  ")));

    private static readonly Gen<string> GenScalar = Gen.Frequency(
        (4, GenStringLiteral.Select(s => s.Literal)),
        (2, GenNumber),
        (1, Gen.OneOf("true", "false", "null")));

    private static Gen<string> GenValue(int depth) => depth == 0
        ? GenScalar
        : Gen.Frequency(
            (3, GenScalar),
            (1, GenArray(GenValue(depth - 1))),
            (1, GenObject(GenValue(depth - 1))));

    private static Gen<string> GenArray(Gen<string> value) =>
        Gen.Select(value, GenSpace, GenSpace).Array[0, 4]
            .Select(items => "[" + string.Join(",", items.Select(i => i.Item2 + i.Item1 + i.Item3)) + "]");

    private static Gen<string> GenObject(Gen<string> value) =>
        Gen.Select(GenStringLiteral, GenSpace, value, GenSpace).Array[0, 5]
            .Select(members => "{" + string.Join(",", members.Select(m => m.Item2 + m.Item1.Literal + m.Item2 + ":" + m.Item4 + m.Item3 + m.Item4)) + "}");

    /// <summary>A well-formed body: one of the API's own, or a generated object with containers nested up to four deep.</summary>
    private static readonly Gen<string> GenBody = Gen.Frequency(
        (1, Gen.OneOf(RealBodies)),
        (3, GenObject(GenValue(2))));

    /// <summary>Fragments that have broken hand-written JSON readers before.</summary>
    private static readonly Gen<string> GenHostile = Gen.OneOf(
        Gen.Int[33, 5000].Select(n => new string('[', n)),
        Gen.Int[33, 5000].Select(n => new string('{', n)),
        Gen.Int[33, 2000].Select(n => string.Concat(Enumerable.Repeat("{\"a\":", n))),
        Gen.Int[33, 2000].Select(n => string.Concat(Enumerable.Repeat("[{\"a\":", n)) + "1" + string.Concat(Enumerable.Repeat("}]", n))),
        Gen.Int[1, 5000].Select(n => new string('9', n)),
        Gen.Int[1, 2000].Select(n => new string('e', n)),
        Gen.Int[1, 2000].Select(n => new string('-', n)),
        Gen.Int[1, 1000].Select(n => "1" + string.Concat(Enumerable.Repeat("e-", n))),
        Gen.Int[1, 1000].Select(n => "0." + new string('0', n) + "1e" + new string('9', Math.Min(n, 400))),
        Gen.OneOf("\\", "\"\\", "\\\"", "\\u", "\\u1", "\\u12", "\\u123", "\\uZZZZ", "\\u 41 ", "\\x41", "\\\\\\"),
        Gen.OneOf("\ud800", "\udc00", "\udbff\"", "\\ud800", "\\udfff", "\\ud800\\u0041", "\"\\ud83d\"", "\\ude00\\ud83d"),
        Gen.OneOf("tru", "nul", "fals", "truex", "NaN", "Infinity", "-Infinity", "1e400", "-", "+", ".", "1.", ".1", "01", "0x10"),
        Gen.OneOf("\0", "\u00a0", "\u2028", "\ufeff", "\ufffe", "\uffff"));

    private static readonly Gen<string> GenPayload = Gen.Frequency(
        (4, Gen.Char["{}[]\":,\\ 0123456789eE+-.tfnu/"].Select(c => c.ToString())),
        (2, Gen.Char.Select(c => c.ToString())),
        (2, GenHostile));

    private enum Mutation { Flip, Insert, Delete, Duplicate }

    private static readonly Gen<(Mutation Kind, int Position, int Length, string Payload)> GenMutation =
        Gen.Select(Gen.Enum<Mutation>(), Gen.Int[0, int.MaxValue], Gen.Int[1, 8], GenPayload);

    private static readonly Gen<string> GenMutatedBody =
        Gen.Select(GenBody, GenMutation.Array[1, 4], Mutate);

    private static readonly Gen<string> GenRandomText = Gen.Frequency(
        (2, Gen.String),
        (3, Gen.String["{}[]\":,\\ 0123456789eE+-.truefalsn\n\t"]),
        (2, GenPayload.Array[0, 6].Select(string.Concat)),
        (1, Gen.Select(GenPayload.Array[0, 3], GenPayload.Array[0, 3]).Select(p => "{" + string.Concat(p.Item1) + "\"k\":" + string.Concat(p.Item2) + "}")));

    // ---- Properties -------------------------------------------------------------------------------------------

    [Fact]
    public void Random_text_reads_as_a_dictionary_or_null() =>
        GenRandomText.Sample(text => { _guard.Parse([text]); }, iter: 3000, print: Show);

    [Fact]
    public void Every_truncation_of_a_body_reads_as_null_and_the_whole_body_as_a_dictionary() =>
        GenBody.Sample(body =>
        {
            // Every prefix (none of which is a whole object) and, for no-throw only, every suffix.
            var cuts = Enumerable.Range(0, body.Length + 1).Select(n => body.Substring(0, n))
                .Concat(Enumerable.Range(1, body.Length).Select(n => body.Substring(n)))
                .ToArray();
            var bodies = _guard.Parse(cuts);
            if (bodies == null) return;
            for (var n = 0; n < body.Length; n++)
                if (bodies[n] != null) throw new Exception($"The first {n} characters read as an object: {Show(cuts[n])}");
            if (bodies[body.Length] == null) throw new Exception($"The whole body did not read: {Show(body)}");
        }, iter: 200, print: Show);

    [Fact]
    public void Mutated_bodies_read_as_a_dictionary_or_null() =>
        GenMutatedBody.Sample(text => { _guard.Parse([text]); }, iter: 3000, print: Show);

    [Fact]
    public void Nesting_reads_while_shallow_and_is_refused_when_deep() =>
        Gen.Select(Gen.Frequency((2, Gen.Int[0, 40]), (1, Gen.Int[41, 200]), (1, Gen.Int[201, 20000])), Gen.Bool.Array[0, 64], Gen.Bool)
            .Sample((levels, kinds, closed) =>
            {
                var text = new StringBuilder("{\"a\":");
                for (var i = 0; i < levels; i++) text.Append(kinds.Length > 0 && kinds[i % kinds.Length] ? "[" : "{\"k\":");
                text.Append("\"\\ud83d\\ude00\"");
                for (var i = levels - 1; closed && i >= 0; i--) text.Append(kinds.Length > 0 && kinds[i % kinds.Length] ? "]" : "}");
                if (closed) text.Append('}');
                var bodies = _guard.Parse([text.ToString()]);
                if (bodies == null) return;
                if (!closed && bodies[0] != null) throw new Exception("An unclosed body read as an object.");
                if (closed && levels <= 30 && bodies[0] == null) throw new Exception($"A body nested {levels} deep did not read.");
                if (levels > 64 && bodies[0] != null) throw new Exception($"A body nested {levels} deep read.");
            }, iter: 300, print: t => $"levels {t.Item1}, closed {t.Item3}");

    [Fact]
    public void Escaped_strings_read_back_exactly() =>
        Gen.Select(GenStringLiteral, GenStringLiteral).Sample((key, value) =>
        {
            var text = "{" + key.Literal + ":" + value.Literal + "}";
            var bodies = _guard.Parse([text]);
            if (bodies == null) return;
            var body = bodies[0] ?? throw new Exception($"Did not read: {Show(text)}");
            if (body.Count != 1 || !body.TryGetValue(key.Value, out var read) || !Equals(read, value.Value))
                throw new Exception($"{Show(text)} read as {Show(Describe(body))}");
        }, iter: 2000);

    [Fact]
    public void A_unicode_escape_takes_exactly_four_hex_digits() =>
        Gen.Char["0123456789abcdefABCDEF \t\n\r+-xXgG\"\\u."].Array[0, 6].Select(c => new string(c)).Sample(digits =>
        {
            var text = "{\"k\":\"\\u" + digits + "\"}";
            var bodies = _guard.Parse([text]);
            if (bodies == null) return;
            var escape = digits.Length >= 4 && digits.Take(4).All(Uri.IsHexDigit);
            if (!escape && bodies[0] != null)
                throw new Exception($"{Show(text)} is not JSON but read as {Show(Describe(bodies[0]))}");
            if (escape && digits.Length == 4 && !Equals(JsonBody.GetString(bodies[0], "k"), ((char)Convert.ToInt32(digits, 16)).ToString()))
                throw new Exception($"{Show(text)} did not read as its one character.");
        }, iter: 3000, print: Show);

    [Theory]
    [InlineData("{\"k\":\"\\u512\n\"}")]
    [InlineData("{\"k\":\"\\u 41 \"}")]
    [InlineData("{\"k\":\"\\u\t7f\t\"}")]
    public void A_unicode_escape_with_whitespace_among_its_digits_is_not_json(string text) =>
        Assert.Null(JsonBody.TryParseObject(text));

    [Fact]
    public void Flat_objects_written_by_System_Text_Json_read_back_the_same() =>
        Gen.Select(GenText.HashSet[0, 8].SelectMany(keys => GenText.Array[keys.Count].Select(values => keys.Zip(values).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal))),
                   Gen.Int[0, SerializerOptions.Length - 1])
            .Sample((expected, options) =>
            {
                var text = JsonSerializer.Serialize(expected, SerializerOptions[options]);
                var bodies = _guard.Parse([text]);
                if (bodies == null) return;
                var body = bodies[0] ?? throw new Exception($"Did not read: {Show(text)}");
                if (body.Count != expected.Count || expected.Any(p => !body.TryGetValue(p.Key, out var read) || !Equals(read, p.Value)))
                    throw new Exception($"{Show(text)} read as {Show(Describe(body))}");
            }, iter: 1000);

    private static readonly JsonSerializerOptions[] SerializerOptions =
    [
        new(),
        new() { WriteIndented = true },
        new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping },
        new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, WriteIndented = true },
    ];

    // ---- Helpers ----------------------------------------------------------------------------------------------

    /// <summary>
    /// Parses texts in order on a worker thread, checking each answer's shape. A parse that throws fails the sample
    /// with the text that did it; one still running after <see cref="Limit"/> fails it as a hang, its worker is left
    /// behind, and later samples of the same property are skipped rather than stacking up more stuck threads.
    /// </summary>
    private sealed class ParseGuard
    {
        private static readonly TimeSpan Limit = TimeSpan.FromSeconds(5);
        private readonly ConcurrentBag<Worker> _idle = new();
        private string? _hung;

        public IReadOnlyDictionary<string, object?>?[]? Parse(string[] texts)
        {
            if (Volatile.Read(ref _hung) != null) return null;
            var results = new IReadOnlyDictionary<string, object?>?[texts.Length];
            var current = -1;
            Exception? error = null;
            var worker = _idle.TryTake(out var idle) ? idle : new Worker();
            var finished = worker.Run(() =>
            {
                try
                {
                    for (var i = 0; i < texts.Length; i++)
                    {
                        Volatile.Write(ref current, i);
                        results[i] = JsonBody.TryParseObject(texts[i]);
                        if (results[i] != null) CheckShape(results[i]);
                    }
                }
                catch (Exception e)
                {
                    error = e;
                }
            }, Limit);
            if (!finished)
            {
                var index = Volatile.Read(ref current);
                var text = index < 0 ? "(none yet)" : Show(texts[index]);
                Interlocked.CompareExchange(ref _hung, text, null);
                throw new TimeoutException($"TryParseObject ran over {Limit.TotalSeconds}s on {text}");
            }
            _idle.Add(worker);
            if (error != null) throw new Exception($"TryParseObject threw on {Show(texts[current])}", error);
            return results;
        }

        /// <summary>A background thread that runs one piece of work at a time and can be abandoned if it never finishes.</summary>
        private sealed class Worker
        {
            private readonly SemaphoreSlim _start = new(0);
            private readonly SemaphoreSlim _done = new(0);
            private Action _work = () => { };

            public Worker() => new Thread(Loop) { IsBackground = true, Name = "JsonBody property parse" }.Start();

            public bool Run(Action work, TimeSpan limit)
            {
                _work = work;
                _start.Release();
                return _done.Wait(limit);
            }

            private void Loop()
            {
                while (true)
                {
                    _start.Wait();
                    _work();
                    _done.Release();
                }
            }
        }

        /// <summary>Values are only what the reader documents: objects, lists, strings, doubles, booleans and null.</summary>
        private static void CheckShape(object? value)
        {
            switch (value)
            {
                case null or string or double or bool: return;
                case IReadOnlyDictionary<string, object?> obj:
                    foreach (var member in obj) CheckShape(member.Value);
                    return;
                case List<object?> list:
                    foreach (var item in list) CheckShape(item);
                    return;
                default: throw new Exception($"Unexpected value type {value.GetType()}");
            }
        }
    }

    private static string Literal(string text, int[] modes)
    {
        var literal = new StringBuilder("\"");
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var mode = modes[i] % 3;
            var hex = modes[i] < 3 ? "x4" : "X4";
            string? shortEscape = c switch
            {
                '"' => "\\\"", '\\' => "\\\\", '/' => "\\/", '\b' => "\\b", '\f' => "\\f", '\n' => "\\n", '\r' => "\\r", '\t' => "\\t",
                _ => null,
            };
            var mustEscape = c is '"' or '\\' || c < ' ';
            if (mode == 2 || (mustEscape && shortEscape == null)) literal.Append("\\u").Append(((int)c).ToString(hex, CultureInfo.InvariantCulture));
            else if (mode == 1 && shortEscape != null || mustEscape) literal.Append(shortEscape);
            else literal.Append(c);
        }
        return literal.Append('"').ToString();
    }

    private static string Mutate(string body, (Mutation Kind, int Position, int Length, string Payload)[] mutations)
    {
        var text = new StringBuilder(body);
        foreach (var (kind, position, length, payload) in mutations)
        {
            var at = position % (text.Length + 1);
            var span = Math.Min(length, text.Length - at);
            switch (kind)
            {
                case Mutation.Flip when span > 0: text.Remove(at, 1).Insert(at, payload.Length > 0 ? payload.Substring(0, 1) : "x"); break;
                case Mutation.Insert: text.Insert(at, payload); break;
                case Mutation.Delete when span > 0: text.Remove(at, span); break;
                case Mutation.Duplicate when span > 0: text.Insert(at, text.ToString(at, span)); break;
                default: text.Insert(at, payload); break;
            }
        }
        return text.ToString();
    }

    private static string Describe(object? value) => value switch
    {
        null => "null",
        string s => Literal(s, new int[s.Length]),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        IReadOnlyDictionary<string, object?> obj => "{" + string.Join(",", obj.Select(m => Describe(m.Key) + ":" + Describe(m.Value))) + "}",
        IEnumerable<object?> list => "[" + string.Join(",", list.Select(Describe)) + "]",
        _ => value.ToString() ?? "",
    };

    /// <summary>A text as printable ASCII, anything else as \u escapes, cut short past 300 characters.</summary>
    private static string Show(string text)
    {
        var shown = new StringBuilder("«");
        foreach (var c in text.Length > 300 ? text.Substring(0, 300) : text)
            shown.Append(c is >= ' ' and <= '~' ? c.ToString() : "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture));
        if (text.Length > 300) shown.Append($"… ({text.Length} chars)");
        return shown.Append('»').ToString();
    }
}
