using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Pixelcut.TryOn.Transport
{
    /// <summary>
    /// A small JSON reader for the API's few flat bodies. The module ships no JSON library because
    /// binary modules that bundle one collide with the copies other modules have already loaded.
    /// Objects read as dictionaries, arrays as lists, numbers as double.
    /// </summary>
    internal sealed class JsonBody
    {
        private readonly string _text;
        private int _position;

        private JsonBody(string text) => _text = text;

        /// <summary>Reads a whole JSON object; null when the text is not one.</summary>
        public static IReadOnlyDictionary<string, object?>? TryParseObject(string? text)
        {
            if (string.IsNullOrWhiteSpace(text)) return null;
            var reader = new JsonBody(text!);
            try
            {
                reader.SkipWhitespace();
                var value = reader.ReadValue(depth: 0);
                reader.SkipWhitespace();
                return reader._position == reader._text.Length ? value as IReadOnlyDictionary<string, object?> : null;
            }
            catch (FormatException)
            {
                return null;
            }
        }

        public static string? GetString(IReadOnlyDictionary<string, object?>? obj, string name) =>
            obj != null && obj.TryGetValue(name, out var value) ? value as string : null;

        public static IReadOnlyDictionary<string, object?>? GetObject(IReadOnlyDictionary<string, object?>? obj, string name) =>
            obj != null && obj.TryGetValue(name, out var value) ? value as IReadOnlyDictionary<string, object?> : null;

        private const int MaxDepth = 32;

        private object? ReadValue(int depth)
        {
            if (depth > MaxDepth) throw new FormatException("JSON nested too deeply.");
            switch (Peek())
            {
                case '{': return ReadObject(depth);
                case '[': return ReadArray(depth);
                case '"': return ReadString();
                case 't': Expect("true"); return true;
                case 'f': Expect("false"); return false;
                case 'n': Expect("null"); return null;
                default: return ReadNumber();
            }
        }

        private Dictionary<string, object?> ReadObject(int depth)
        {
            var result = new Dictionary<string, object?>(StringComparer.Ordinal);
            _position++;
            SkipWhitespace();
            if (Peek() == '}') { _position++; return result; }
            while (true)
            {
                SkipWhitespace();
                if (Peek() != '"') throw new FormatException("Expected a property name.");
                var name = ReadString();
                SkipWhitespace();
                if (Next() != ':') throw new FormatException("Expected ':'.");
                SkipWhitespace();
                result[name] = ReadValue(depth + 1);
                SkipWhitespace();
                var separator = Next();
                if (separator == '}') return result;
                if (separator != ',') throw new FormatException("Expected ',' or '}'.");
            }
        }

        private List<object?> ReadArray(int depth)
        {
            var result = new List<object?>();
            _position++;
            SkipWhitespace();
            if (Peek() == ']') { _position++; return result; }
            while (true)
            {
                SkipWhitespace();
                result.Add(ReadValue(depth + 1));
                SkipWhitespace();
                var separator = Next();
                if (separator == ']') return result;
                if (separator != ',') throw new FormatException("Expected ',' or ']'.");
            }
        }

        private string ReadString()
        {
            _position++;
            var builder = new StringBuilder();
            while (true)
            {
                var c = Next();
                if (c == '"') return builder.ToString();
                if (c < ' ') throw new FormatException("Control character in string.");
                if (c != '\\') { builder.Append(c); continue; }
                var escaped = Next();
                switch (escaped)
                {
                    case '"': case '\\': case '/': builder.Append(escaped); break;
                    case 'b': builder.Append('\b'); break;
                    case 'f': builder.Append('\f'); break;
                    case 'n': builder.Append('\n'); break;
                    case 'r': builder.Append('\r'); break;
                    case 't': builder.Append('\t'); break;
                    case 'u':
                        if (_position + 4 > _text.Length) throw new FormatException("Short \\u escape.");
                        if (!int.TryParse(_text.Substring(_position, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
                            throw new FormatException("Bad \\u escape.");
                        builder.Append((char)code);
                        _position += 4;
                        break;
                    default: throw new FormatException("Unknown escape.");
                }
            }
        }

        private double ReadNumber()
        {
            var start = _position;
            while (_position < _text.Length && "+-0123456789.eE".IndexOf(_text[_position]) >= 0) _position++;
            if (start == _position ||
                !double.TryParse(_text.Substring(start, _position - start), NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
                throw new FormatException("Expected a value.");
            return number;
        }

        private void Expect(string word)
        {
            if (string.CompareOrdinal(_text, _position, word, 0, word.Length) != 0) throw new FormatException($"Expected {word}.");
            _position += word.Length;
        }

        private char Peek() => _position < _text.Length ? _text[_position] : throw new FormatException("Unexpected end.");

        private char Next() => _text[_position < _text.Length ? _position++ : throw new FormatException("Unexpected end.")];

        private void SkipWhitespace()
        {
            while (_position < _text.Length && char.IsWhiteSpace(_text[_position])) _position++;
        }
    }
}
