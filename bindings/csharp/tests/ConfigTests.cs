using System;
using NUnit.Framework;
using UserToken;

namespace UserToken.Tests
{
    [TestFixture]
    public class ConfigTests : EmulatorTest
    {
        [Test]
        public void OptionsReachTheLibrary()
        {
            UserTokenOptions options = Options();
            options.UserAgent = "tests/1.0 \"quoted\" \\ back";
            IssueOwner(NewClient(options));
            Assert.AreEqual("tests/1.0 \"quoted\" \\ back", Emulator.Header(Emulator.RequestList()[0], "user-agent"));
        }

        [Test]
        public void UnsetOptionsKeepTheLibrarysDefaults()
        {
            IssueOwner(NewClient());
            StringAssert.StartsWith("usertoken/", Emulator.Header(Emulator.RequestList()[0], "user-agent"));
        }

        [Test]
        public void OutOfRangeValueIsInvalidConfigNamingTheKey()
        {
            UserTokenOptions options = Options();
            options.MaxRetries = 11;
            UserTokenException e = Throws(() => new UserTokenClient(options));
            Assert.AreEqual(UserTokenResult.InvalidConfig, e.Result);
            StringAssert.Contains("max_retries", e.Message);
            Assert.AreEqual(0, e.Attempts);
            Assert.IsNull(e.HttpStatus);
        }

        [Test]
        public void ZeroTimeoutIsInvalidConfig()
        {
            UserTokenOptions options = Options();
            options.TimeoutMs = 0;
            UserTokenException e = Throws(() => new UserTokenClient(options));
            Assert.AreEqual(UserTokenResult.InvalidConfig, e.Result);
            StringAssert.Contains("timeout_ms", e.Message);
        }

        [Test]
        public void PlainHttpToAnotherHostNeedsAllowHttp()
        {
            UserTokenOptions options = Options();
            options.BaseUrl = "http://example.com";
            Assert.AreEqual(UserTokenResult.InvalidConfig, Throws(() => new UserTokenClient(options)).Result);
            options.AllowHttp = true;
            using (new UserTokenClient(options))
            {
            }
        }

        [Test]
        public void ApiKeyWithALineBreakIsInvalidConfig()
        {
            UserTokenOptions options = Options();
            options.ApiKey = "test-api-key\r\nX-Injected: 1";
            UserTokenException e = Throws(() => new UserTokenClient(options));
            Assert.AreEqual(UserTokenResult.InvalidConfig, e.Result);
            StringAssert.DoesNotContain("test-api-key", e.Message);
        }

        [TestCase("")]
        [TestCase("{")]
        [TestCase("[]")]
        [TestCase("{\"api_key\":\"k\",\"no_such_key\":1}")]
        [TestCase("{\"api_key\":\"k\",\"timeout_ms\":\"fast\"}")]
        public void MalformedConfigJsonIsInvalidConfig(string json)
        {
            UserTokenException e = Throws(() => UserTokenClient.FromConfigJson(json));
            Assert.AreEqual(UserTokenResult.InvalidConfig, e.Result);
            Assert.IsNotNull(e.Json);
        }

        [Test]
        public void UnknownKeyIsNamed()
        {
            UserTokenException e = Throws(() => UserTokenClient.FromConfigJson("{\"api_key\":\"k\",\"no_such_key\":1}"));
            StringAssert.Contains("no_such_key", e.Message);
        }

        [Test]
        public void ConfigJsonAsIsWorks()
        {
            using (UserTokenClient client = UserTokenClient.FromConfigJson(
                "{\"base_url\":\"" + Emulator.Url + "\",\"api_key\":\"" + Emulator.ApiKey + "\"}"))
            {
                Assert.IsNotNull(IssueOwner(client).AccessToken);
            }
        }

        [Test]
        public void NoApiKeyAnywhereIsInvalidConfig()
        {
            if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("MINDBODY_API_KEY")))
            {
                Assert.Ignore("MINDBODY_API_KEY is set in this environment");
            }
            var options = new UserTokenOptions { BaseUrl = Emulator.Url };
            UserTokenException e = Throws(() => new UserTokenClient(options));
            Assert.AreEqual(UserTokenResult.InvalidConfig, e.Result);
            StringAssert.Contains("api_key", e.Message);
        }

        [Test]
        public void UnpairedSurrogateCannotBeMarshalled()
        {
            UserTokenOptions options = Options();
            options.UserAgent = "ua\ud800";
            Assert.Throws<ArgumentException>(() => new UserTokenClient(options));
        }
    }
}
