using System.Globalization;
using System.Text;

namespace UserToken
{
    /// <summary>
    /// Writes one flat JSON object: all the configuration needs, and netstandard2.0 has no
    /// JSON serializer without a package.
    /// </summary>
    internal sealed class JsonWriter
    {
        private readonly StringBuilder json = new StringBuilder("{");

        internal void Add(string key, string value)
        {
            Key(key);
            if (value == null)
            {
                json.Append("null");
            }
            else
            {
                Quote(value);
            }
        }

        internal void Add(string key, long value)
        {
            Key(key);
            json.Append(value.ToString(CultureInfo.InvariantCulture));
        }

        internal void Add(string key, bool value)
        {
            Key(key);
            json.Append(value ? "true" : "false");
        }

        public override string ToString()
        {
            return json.ToString() + "}";
        }

        private void Key(string key)
        {
            if (json.Length > 1)
            {
                json.Append(',');
            }
            Quote(key);
            json.Append(':');
        }

        private void Quote(string value)
        {
            json.Append('"');
            foreach (char c in value)
            {
                switch (c)
                {
                    case '"': json.Append("\\\""); break;
                    case '\\': json.Append("\\\\"); break;
                    case '\n': json.Append("\\n"); break;
                    case '\r': json.Append("\\r"); break;
                    case '\t': json.Append("\\t"); break;
                    default:
                        if (c < ' ')
                        {
                            json.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                        }
                        else
                        {
                            // Non-ASCII goes as is: the whole text is passed as UTF-8.
                            json.Append(c);
                        }
                        break;
                }
            }
            json.Append('"');
        }
    }
}
