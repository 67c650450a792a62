using System;
using System.Collections.Generic;
using System.Runtime.Serialization;
using NUnit.Framework;
using UserToken;

namespace UserToken.Tests
{
    /// <summary>
    /// How the binding reads the library's documents and writes the configuration, without a
    /// server: answers the emulator does not give are fed to the binding's readers directly.
    /// </summary>
    [TestFixture]
    public class AnswerTests
    {
        [Test]
        public void AnIssueAnswerIsReadWithItsEscapesAndExtraMembersOfAnyType()
        {
            var answer = new IssueResponse(
                " {\"TokenType\":\"Bearer\", \"AccessToken\":\"a\\\"b\\\\c\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\","
                + " \"Expires\":\"2026-01-02T03:04:05Z\", \"Later\":{\"k\":[1,{},null]}, \"Count\":-12.5e+3,"
                + " \"Flags\":[true,false], \"Nothing\":null,"
                + " \"User\":{\"Id\":9007199254740993,\"FirstName\":\"Zo\\u00eb\",\"LastName\":\"\u4e2d\",\"Type\":\"Staff\",\"Extra\":{}}} ");
            Assert.AreEqual("Bearer", answer.TokenType);
            Assert.AreEqual("a\"b\\c/\b\f\n\r\t\u00e9\U0001F600", answer.AccessToken);
            Assert.AreEqual(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero), answer.Expires);
            Assert.AreEqual(9007199254740993L, answer.User.Id, "an int64 id keeps every digit");
            Assert.AreEqual("Zo\u00eb", answer.User.FirstName);
            Assert.AreEqual("\u4e2d", answer.User.LastName);
            Assert.AreEqual("Staff", answer.User.Type);
        }

        [TestCase("{}")]
        [TestCase("null")]
        [TestCase("{\"TokenType\":null,\"AccessToken\":null,\"Expires\":null,\"User\":null}")]
        public void AbsentMembersAreNull(string json)
        {
            var answer = new IssueResponse(json);
            Assert.IsNull(answer.TokenType);
            Assert.IsNull(answer.AccessToken);
            Assert.IsNull(answer.Expires);
            Assert.IsNull(answer.User);
            Assert.AreEqual(json, answer.Json);
        }

        [Test]
        public void AUserWithoutMembersHasThemNull()
        {
            User user = new IssueResponse("{\"User\":{}}").User;
            Assert.IsNotNull(user);
            Assert.IsNull(user.Id);
            Assert.IsNull(user.FirstName);
            Assert.IsNull(user.LastName);
            Assert.IsNull(user.Type);
        }

        [Test]
        public void ExpiresIsReadAsUtc()
        {
            var expected = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
            Assert.AreEqual(expected, Expires("2026-01-02T03:04:05Z"));
            DateTimeOffset? offset = Expires("2026-01-02T05:04:05+02:00");
            Assert.AreEqual(expected, offset);
            Assert.AreEqual(TimeSpan.Zero, offset.Value.Offset);
            Assert.AreEqual(expected.AddMilliseconds(250), Expires("2026-01-02T03:04:05.25Z"));
            Assert.AreEqual(expected, Expires("2026-01-02T03:04:05"), "no offset is UTC");
            Assert.AreEqual(TimeSpan.Zero, Expires("2026-01-02T03:04:05").Value.Offset);
            Assert.IsNull(Expires("soon"));
        }

        [Test]
        public void AnUnreadableExpiresIsNullAndKeptInJson()
        {
            var answer = new IssueResponse("{\"AccessToken\":\"t\",\"Expires\":\"soon\"}");
            Assert.IsNull(answer.Expires);
            Assert.AreEqual("t", answer.AccessToken);
            StringAssert.Contains("\"soon\"", answer.Json);
        }

        // The library checks only AccessToken; a member the binding names, of a type it cannot
        // take, is a decoding failure like the library's own.
        [TestCase("{\"User\":5}")]
        [TestCase("{\"User\":\"Jane Doe\"}")]
        [TestCase("{\"User\":{\"Id\":1.5}}")]
        [TestCase("{\"User\":{\"Id\":\"one\"}}")]
        [TestCase("{\"User\":{\"Id\":99999999999999999999}}")]
        [TestCase("5")]
        [TestCase("not json")]
        public void AMemberOfAnotherTypeIsDecode(string json)
        {
            UserTokenException e = Assert.Throws<UserTokenException>(() => new IssueResponse(json));
            Assert.AreEqual(UserTokenResult.Decode, e.Result);
            StringAssert.StartsWith("UT_DECODE: ", e.Message);
            Assert.IsInstanceOf<SerializationException>(e.InnerException);
            Assert.IsNull(e.Json, "no error document came from the library");
        }

        [Test]
        public void TheErrorDocumentIsReadWithExtraMembers()
        {
            const string json = "{\"result\":\"UT_DENIED\",\"message\":\"denied \\\"x\\\" \\u00e9\",\"http_status\":403,"
                + "\"code\":\"DeniedAccess\",\"attempts\":2,\"later\":{\"k\":[1]}}";
            UserTokenException e = UserTokenException.FromDocument((uint)UserTokenResult.Denied, json);
            Assert.AreEqual(UserTokenResult.Denied, e.Result);
            Assert.AreEqual("denied \"x\" \u00e9", e.Message);
            Assert.AreEqual(403, e.HttpStatus);
            Assert.AreEqual("DeniedAccess", e.ApiCode);
            Assert.AreEqual(2, e.Attempts);
            Assert.AreEqual(json, e.Json);
        }

        [Test]
        public void NullMembersOfTheErrorDocumentAreNull()
        {
            UserTokenException e = UserTokenException.FromDocument((uint)UserTokenResult.Connect,
                "{\"result\":\"UT_CONNECT\",\"message\":\"m\",\"http_status\":null,\"code\":null,\"attempts\":3}");
            Assert.IsNull(e.HttpStatus);
            Assert.IsNull(e.ApiCode);
            Assert.AreEqual(3, e.Attempts);
        }

        [TestCase(null)]
        [TestCase("")]
        [TestCase("not json")]
        [TestCase("{\"message\":{}, \"http_status\":\"x\"}")]
        public void AnUnreadableErrorDocumentKeepsTheCodeAndTheText(string json)
        {
            UserTokenException e = UserTokenException.FromDocument((uint)UserTokenResult.ServerError, json);
            Assert.AreEqual(UserTokenResult.ServerError, e.Result);
            Assert.AreEqual("UT_SERVER_ERROR", e.Message);
            Assert.IsNull(e.HttpStatus);
            Assert.AreEqual(0, e.Attempts);
            Assert.AreEqual(json, e.Json);
        }

        [Test]
        public void StatsKeepResultNamesTheBindingDoesNotKnow()
        {
            var stats = new UserTokenStats(
                "{\"issue\":{\"calls\":4,\"requests\":5,\"failures\":{\"UT_DENIED\":1,\"UT_SOMETHING_NEW\":2}},"
                + "\"renew\":{\"calls\":0,\"requests\":0,\"failures\":{}},\"revoke\":null}");
            Assert.AreEqual(2L, stats.Issue.Failures["UT_SOMETHING_NEW"]);
            Assert.AreEqual(1L, stats.Issue.FailuresOf(UserTokenResult.Denied));
            Assert.AreEqual(0L, stats.Issue.FailuresOf(UserTokenResult.Timeout));
            Assert.AreEqual(3L, stats.Issue.Failed);
            Assert.AreEqual(0, stats.Renew.Failures.Count);
            Assert.AreEqual(0L, stats.Revoke.Calls);
            Assert.AreEqual(5L, stats.Requests);
        }

        [TestCase("{\"issue\":{\"calls\":\"many\"}}")]
        [TestCase("{\"issue\":{\"failures\":{\"UT_DENIED\":\"x\"}}}")]
        public void StatsOfAnotherShapeAreDecode(string json)
        {
            UserTokenException e = Assert.Throws<UserTokenException>(() => new UserTokenStats(json));
            Assert.AreEqual(UserTokenResult.Decode, e.Result);
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
            // The platform may write '/' as "\/", which JSON reads as '/'.
            Assert.AreEqual(
                "{\"base_url\":\"http://127.0.0.1:1\",\"api_key\":\"k\",\"timeout_ms\":1,\"connect_timeout_ms\":2,"
                + "\"max_retries\":3,\"retry_base_ms\":4,\"retry_max_ms\":5,\"user_agent\":\"ua\","
                + "\"proxy\":\"http://proxy:3128\",\"ca_file\":\"/ca.pem\",\"allow_http\":false,"
                + "\"max_response_bytes\":6,\"worker_threads\":7,\"session_renew_margin_s\":8}",
                options.ToJson().Replace("\\/", "/"));
            Assert.AreEqual(9223372036854775807L,
                JsonContract.Read<Dictionary<string, long>>(new UserTokenOptions { MaxResponseBytes = long.MaxValue }.ToJson())
                    ["max_response_bytes"]);
        }

        [Test]
        public void OptionStringsAreWrittenExactly()
        {
            const string value = "q\"b\\n\n\r\t\u0001\u001f\u007f/\u00e9\u4e2d\U0001F600\u2028";
            string json = new UserTokenOptions { UserAgent = value, ApiKey = "\u00e9" }.ToJson();
            // Quotes, backslashes and control characters escaped; what is read back is the value.
            StringAssert.Contains("q\\\"b\\\\n\\n\\r\\t\\u0001\\u001f", json);
            var read = JsonContract.Read<Dictionary<string, string>>(json);
            Assert.AreEqual(value, read["user_agent"]);
            Assert.AreEqual("\u00e9", read["api_key"]);
            CollectionAssert.AreEqual(new[] { "api_key", "user_agent" }, new List<string>(read.Keys));
        }

        [Test]
        public void AnUnpairedSurrogateInAnOptionIsAnArgumentError()
        {
            var e = Assert.Throws<ArgumentException>(() => new UserTokenOptions { CaFile = "/ca\udc00.pem" }.ToJson());
            Assert.AreEqual("options", e.ParamName);
        }

        private static DateTimeOffset? Expires(string text)
        {
            return new IssueResponse("{\"Expires\":\"" + text + "\"}").Expires;
        }
    }
}
