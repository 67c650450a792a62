using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace UserToken
{
    /// <summary>
    /// A small, complete JSON reader for the library's answers (netstandard2.0 has no JSON
    /// parser without a package). Objects become <c>Dictionary&lt;string, object&gt;</c>, arrays
    /// <c>List&lt;object&gt;</c>, strings <c>string</c>, numbers <see cref="JsonNumber"/> (the
    /// text, so an int64 id keeps every digit), true/false <c>bool</c>, null <c>null</c>.
    /// </summary>
    internal sealed class JsonReader
    {
        /// <summary>A JSON number kept as written.</summary>
        internal sealed class JsonNumber
        {
            internal JsonNumber(string text)
            {
                Text = text;
            }

            internal string Text { get; private set; }
        }

        private readonly string text;
        private int at;

        private JsonReader(string text)
        {
            this.text = text;
        }

        /// <exception cref="FormatException">The text is not one JSON value.</exception>
        internal static object Parse(string text)
        {
            var reader = new JsonReader(text);
            object value = reader.Value();
            reader.SkipWhitespace();
            if (reader.at != text.Length)
            {
                throw reader.Error("text after the JSON value");
            }
            return value;
        }

        /// <summary>The member <paramref name="key"/> of an object, or null when
        /// <paramref name="value"/> is not an object or has no such member.</summary>
        internal static object Member(object value, string key)
        {
            var members = value as Dictionary<string, object>;
            object member;
            return members != null && members.TryGetValue(key, out member) ? member : null;
        }

        internal static string String(object value, string key)
        {
            return Member(value, key) as string;
        }

        internal static long? Int64(object value, string key)
        {
            var number = Member(value, key) as JsonNumber;
            long result;
            return number != null && long.TryParse(number.Text, NumberStyles.AllowLeadingSign,
                CultureInfo.InvariantCulture, out result) ? result : (long?)null;
        }

        /// <summary>An RFC 3339 date-time member as UTC; null when absent or unreadable.</summary>
        internal static DateTimeOffset? Timestamp(object value, string key)
        {
            string text = String(value, key);
            DateTimeOffset result;
            if (text == null || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture,
                    DateTimeStyles.AssumeUniversal, out result))
            {
                return null;
            }
            return result.ToUniversalTime();
        }

        private object Value()
        {
            SkipWhitespace();
            if (at >= text.Length)
            {
                throw Error("a value was expected");
            }
            char c = text[at];
            switch (c)
            {
                case '{':
                    return Object();
                case '[':
                    return Array();
                case '"':
                    return String();
                case 't':
                    Literal("true");
                    return true;
                case 'f':
                    Literal("false");
                    return false;
                case 'n':
                    Literal("null");
                    return null;
                default:
                    if (c == '-' || (c >= '0' && c <= '9'))
                    {
                        return Number();
                    }
                    throw Error("unexpected character");
            }
        }

        private Dictionary<string, object> Object()
        {
            var members = new Dictionary<string, object>(StringComparer.Ordinal);
            at++;
            SkipWhitespace();
            if (Peek() == '}')
            {
                at++;
                return members;
            }
            while (true)
            {
                SkipWhitespace();
                if (Peek() != '"')
                {
                    throw Error("a member name was expected");
                }
                string key = String();
                SkipWhitespace();
                Expect(':');
                // A repeated key keeps its last value, as most parsers do.
                members[key] = Value();
                SkipWhitespace();
                if (Peek() == ',')
                {
                    at++;
                    continue;
                }
                Expect('}');
                return members;
            }
        }

        private List<object> Array()
        {
            var items = new List<object>();
            at++;
            SkipWhitespace();
            if (Peek() == ']')
            {
                at++;
                return items;
            }
            while (true)
            {
                items.Add(Value());
                SkipWhitespace();
                if (Peek() == ',')
                {
                    at++;
                    continue;
                }
                Expect(']');
                return items;
            }
        }

        private string String()
        {
            at++;
            var result = new StringBuilder();
            while (true)
            {
                if (at >= text.Length)
                {
                    throw Error("unterminated string");
                }
                char c = text[at++];
                if (c == '"')
                {
                    return result.ToString();
                }
                if (c < ' ')
                {
                    throw Error("control character in a string");
                }
                if (c != '\\')
                {
                    result.Append(c);
                    continue;
                }
                if (at >= text.Length)
                {
                    throw Error("unterminated escape");
                }
                char escape = text[at++];
                switch (escape)
                {
                    case '"': result.Append('"'); break;
                    case '\\': result.Append('\\'); break;
                    case '/': result.Append('/'); break;
                    case 'b': result.Append('\b'); break;
                    case 'f': result.Append('\f'); break;
                    case 'n': result.Append('\n'); break;
                    case 'r': result.Append('\r'); break;
                    case 't': result.Append('\t'); break;
                    // Surrogate pairs arrive as two \u escapes, each appended as one UTF-16 unit.
                    case 'u': result.Append(Hex4()); break;
                    default: throw Error("unknown escape");
                }
            }
        }

        private char Hex4()
        {
            if (at + 4 > text.Length)
            {
                throw Error("short \\u escape");
            }
            int value;
            if (!int.TryParse(text.Substring(at, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value))
            {
                throw Error("bad \\u escape");
            }
            at += 4;
            return (char)value;
        }

        private JsonNumber Number()
        {
            int start = at;
            if (Peek() == '-')
            {
                at++;
            }
            if (!Digits())
            {
                throw Error("digits expected");
            }
            if (Peek() == '.')
            {
                at++;
                if (!Digits())
                {
                    throw Error("digits expected after '.'");
                }
            }
            if (Peek() == 'e' || Peek() == 'E')
            {
                at++;
                if (Peek() == '+' || Peek() == '-')
                {
                    at++;
                }
                if (!Digits())
                {
                    throw Error("digits expected in the exponent");
                }
            }
            return new JsonNumber(text.Substring(start, at - start));
        }

        private bool Digits()
        {
            int start = at;
            while (at < text.Length && text[at] >= '0' && text[at] <= '9')
            {
                at++;
            }
            return at > start;
        }

        private void Literal(string literal)
        {
            if (string.CompareOrdinal(text, at, literal, 0, literal.Length) != 0)
            {
                throw Error("unknown literal");
            }
            at += literal.Length;
        }

        private void Expect(char c)
        {
            if (Peek() != c)
            {
                throw Error("'" + c + "' expected");
            }
            at++;
        }

        private char Peek()
        {
            return at < text.Length ? text[at] : '\0';
        }

        private void SkipWhitespace()
        {
            while (at < text.Length && (text[at] == ' ' || text[at] == '\t' || text[at] == '\n' || text[at] == '\r'))
            {
                at++;
            }
        }

        private FormatException Error(string what)
        {
            return new FormatException("invalid JSON at offset " + at + ": " + what);
        }
    }
}
