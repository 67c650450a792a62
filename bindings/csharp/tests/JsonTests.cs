using System;
using System.Collections.Generic;
using NUnit.Framework;
using UserToken;

namespace UserToken.Tests
{
    [TestFixture]
    public class JsonTests
    {
        [Test]
        public void ReadsEveryKindOfValue()
        {
            object value = JsonReader.Parse(
                " {\"s\":\"a\\\"b\\\\c\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\", \"n\": -12.5e+3, \"i\": 9007199254740993,"
                + " \"t\": true, \"f\": false, \"z\": null, \"a\": [1, [], {}], \"o\": {\"k\": \"v\"}} ");
            Assert.AreEqual("a\"b\\c/\b\f\n\r\t\u00e9\U0001F600", JsonReader.String(value, "s"));
            Assert.AreEqual("-12.5e+3", ((JsonReader.JsonNumber)JsonReader.Member(value, "n")).Text);
            Assert.AreEqual(9007199254740993L, JsonReader.Int64(value, "i"));
            Assert.AreEqual(true, JsonReader.Member(value, "t"));
            Assert.AreEqual(false, JsonReader.Member(value, "f"));
            Assert.IsNull(JsonReader.Member(value, "z"));
            Assert.AreEqual(3, ((List<object>)JsonReader.Member(value, "a")).Count);
            Assert.AreEqual("v", JsonReader.String(JsonReader.Member(value, "o"), "k"));
        }

        [Test]
        public void AbsentOrMistypedMembersAreNull()
        {
            object value = JsonReader.Parse("{\"n\":1.5,\"s\":5}");
            Assert.IsNull(JsonReader.Int64(value, "n"));
            Assert.IsNull(JsonReader.String(value, "s"));
            Assert.IsNull(JsonReader.Member(value, "missing"));
            Assert.IsNull(JsonReader.Member(JsonReader.Parse("[]"), "s"));
        }

        [TestCase("")]
        [TestCase("{")]
        [TestCase("{\"a\" 1}")]
        [TestCase("[1,]")]
        [TestCase("\"unterminated")]
        [TestCase("01x")]
        [TestCase("{} {}")]
        [TestCase("nul")]
        [TestCase("\"\\x\"")]
        public void RejectsMalformedText(string text)
        {
            Assert.Throws<FormatException>(() => JsonReader.Parse(text));
        }

        [Test]
        public void ReadsTimestampsAsUtc()
        {
            object value = JsonReader.Parse(
                "{\"z\":\"2026-01-02T03:04:05Z\",\"o\":\"2026-01-02T05:04:05+02:00\",\"f\":\"2026-01-02T03:04:05.25Z\",\"bad\":\"soon\"}");
            var expected = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
            Assert.AreEqual(expected, JsonReader.Timestamp(value, "z"));
            Assert.AreEqual(TimeSpan.Zero, JsonReader.Timestamp(value, "o").Value.Offset);
            Assert.AreEqual(expected, JsonReader.Timestamp(value, "o"));
            Assert.AreEqual(expected.AddMilliseconds(250), JsonReader.Timestamp(value, "f"));
            Assert.IsNull(JsonReader.Timestamp(value, "bad"));
        }

        [Test]
        public void WriterEscapesWhatJsonRequires()
        {
            var writer = new JsonWriter();
            writer.Add("s", "q\"b\\n\n\u0001é");
            writer.Add("n", 42L);
            writer.Add("b", true);
            writer.Add("z", (string)null);
            string json = writer.ToString();
            Assert.AreEqual("{\"s\":\"q\\\"b\\\\n\\n\\u0001é\",\"n\":42,\"b\":true,\"z\":null}", json);
            Assert.AreEqual("q\"b\\n\n\u0001é", JsonReader.String(JsonReader.Parse(json), "s"));
        }

        [Test]
        public void OptionsSendOnlyWhatIsSet()
        {
            Assert.AreEqual("{}", new UserTokenOptions().ToJson());
            var options = new UserTokenOptions
            {
                BaseUrl = "http://127.0.0.1:1",
                ApiKey = "k",
                TimeoutMs = 1,
                ConnectTimeoutMs = 2,
                MaxRetries = 3,
                RetryBaseMs = 4,
                RetryMaxMs = 5,
                UserAgent = "ua",
                Proxy = "http://proxy:3128",
                CaFile = "/ca.pem",
                AllowHttp = false,
                MaxResponseBytes = 6,
                WorkerThreads = 7,
                SessionRenewMarginS = 8,
            };
            Assert.AreEqual(
                "{\"base_url\":\"http://127.0.0.1:1\",\"api_key\":\"k\",\"timeout_ms\":1,\"connect_timeout_ms\":2,"
                + "\"max_retries\":3,\"retry_base_ms\":4,\"retry_max_ms\":5,\"user_agent\":\"ua\","
                + "\"proxy\":\"http://proxy:3128\",\"ca_file\":\"/ca.pem\",\"allow_http\":false,"
                + "\"max_response_bytes\":6,\"worker_threads\":7,\"session_renew_margin_s\":8}",
                options.ToJson());
        }
    }
}
