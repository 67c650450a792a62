using System.Diagnostics;
using NUnit.Framework;
using UserToken;

namespace UserToken.Tests
{
    /// <summary>Details of the contract that reach the C# caller through the exception.</summary>
    [TestFixture]
    public class ContractTests : EmulatorTest
    {
        [Test]
        public void RetryAfterLongerThanTheCapIsNotWaitedFor()
        {
            Emulator.AddFault("{\"kind\":\"status\",\"status\":429,\"retry_after\":\"3600\",\"count\":3}");
            UserTokenOptions options = Options();
            options.RetryMaxMs = 1000;
            Stopwatch watch = Stopwatch.StartNew();
            UserTokenException e = Throws(() => IssueOwner(NewClient(options)));
            Assert.Less(watch.ElapsedMilliseconds, 900);
            Assert.AreEqual(UserTokenResult.RateLimited, e.Result);
            Assert.AreEqual(1, e.Attempts);
        }

        [Test]
        public void NotImplementedIsServerErrorAfterOneAttempt()
        {
            Emulator.AddFault("{\"kind\":\"status\",\"status\":501,\"count\":3}");
            UserTokenException e = Throws(() => IssueOwner(NewClient()));
            Assert.AreEqual(UserTokenResult.ServerError, e.Result);
            Assert.AreEqual(501, e.HttpStatus);
            Assert.AreEqual(1, e.Attempts);
        }

        [Test]
        public void RedirectIsNotFollowed()
        {
            Emulator.AddFault("{\"kind\":\"redirect\",\"location\":\"/elsewhere\"}");
            UserTokenException e = Throws(() => IssueOwner(NewClient()));
            Assert.AreEqual(UserTokenResult.HttpError, e.Result);
            Assert.AreEqual(302, e.HttpStatus);
        }

        [Test]
        public void RequestTimeoutAfterRetriesIsHttpError()
        {
            Emulator.AddFault("{\"kind\":\"status\",\"status\":408,\"count\":2}");
            UserTokenOptions options = Options();
            options.MaxRetries = 1;
            UserTokenException e = Throws(() => IssueOwner(NewClient(options)));
            Assert.AreEqual(UserTokenResult.HttpError, e.Result);
            Assert.AreEqual(2, e.Attempts);
        }

        [Test]
        public void SecretsTheServerEchoesAreRedacted()
        {
            const string password = "echo-me-Secret-123";
            Emulator.AddFault("{\"kind\":\"status\",\"status\":400,\"body\":"
                + "\"{\\\"Error\\\":{\\\"Message\\\":\\\"bad password " + password + " for key " + Emulator.ApiKey
                + "\\\",\\\"Code\\\":\\\"Invalid\\\"}}\"}");
            UserTokenException e = Throws(() =>
                NewClient().Issue(Emulator.Version, Emulator.SiteId, Emulator.OwnerUsername, password));
            Assert.AreEqual(UserTokenResult.HttpError, e.Result);
            Assert.AreEqual("Invalid", e.ApiCode);
            StringAssert.DoesNotContain(password, e.Message);
            StringAssert.DoesNotContain(Emulator.ApiKey, e.Message);
            StringAssert.DoesNotContain(password, e.Json);
        }

        [Test]
        public void BodyOfExactlyMaxResponseBytesIsAccepted()
        {
            Emulator.AddFault("{\"kind\":\"oversized\",\"body_bytes\":4096}");
            UserTokenOptions options = Options();
            options.MaxResponseBytes = 4096;
            IssueResponse issued = IssueOwner(NewClient(options));
            Assert.AreEqual(4096, System.Text.Encoding.UTF8.GetByteCount(issued.Json));
        }
    }
}
