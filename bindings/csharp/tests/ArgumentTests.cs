using System;
using NUnit.Framework;
using UserToken;

namespace UserToken.Tests
{
    /// <summary>
    /// The library checks every argument; the binding passes them through, null as NULL, so
    /// each check is reachable from C# and nothing is sent.
    /// </summary>
    [TestFixture]
    public class ArgumentTests : EmulatorTest
    {
        [Test]
        public void NullIsNullArgumentNamingTheParameter()
        {
            UserTokenClient client = NewClient();
            UserTokenException e = Throws(() => client.Issue(Emulator.Version, Emulator.SiteId, null, "p"));
            Assert.AreEqual(UserTokenResult.NullArgument, e.Result);
            StringAssert.Contains("username", e.Message);
            Assert.AreEqual(0, e.Attempts);
            Assert.IsNull(e.HttpStatus);
            Assert.IsNull(e.ApiCode);

            e = Throws(() => client.Renew(Emulator.Version, null, "token"));
            Assert.AreEqual(UserTokenResult.NullArgument, e.Result);
            StringAssert.Contains("site_id", e.Message);

            e = Throws(() => client.Revoke(null, Emulator.SiteId, "token"));
            Assert.AreEqual(UserTokenResult.NullArgument, e.Result);
            StringAssert.Contains("version", e.Message);
            Assert.AreEqual(0L, Emulator.Count("requests"));
        }

        [TestCase("6", "-99", "", "p", "username")]
        [TestCase("6", "-99", "u", "", "password")]
        [TestCase("6", "", "u", "p", "site_id")]
        [TestCase("6", "ninety-nine", "u", "p", "site_id")]
        [TestCase("6", "1234567890123456789", "u", "p", "site_id")]
        [TestCase("6/../7", "-99", "u", "p", "version")]
        [TestCase("", "-99", "u", "p", "version")]
        public void MalformedIssueArgumentIsInvalidArgument(string version, string siteId, string username,
            string password, string named)
        {
            UserTokenException e = Throws(() => NewClient().Issue(version, siteId, username, password));
            Assert.AreEqual(UserTokenResult.InvalidArgument, e.Result);
            StringAssert.Contains(named, e.Message);
            Assert.AreEqual(0L, Emulator.Count("requests"));
        }

        [TestCase("")]
        [TestCase("token\r\nX-Injected: 1")]
        [TestCase("t\u00f6ken")]
        public void MalformedAuthorizationIsInvalidArgument(string authorization)
        {
            UserTokenClient client = NewClient();
            UserTokenException e = Throws(() => client.Renew(Emulator.Version, Emulator.SiteId, authorization));
            Assert.AreEqual(UserTokenResult.InvalidArgument, e.Result);
            StringAssert.Contains("authorization", e.Message);
            e = Throws(() => client.Revoke(Emulator.Version, Emulator.SiteId, authorization));
            Assert.AreEqual(UserTokenResult.InvalidArgument, e.Result);
            Assert.AreEqual(0L, Emulator.Count("requests"));
        }

        [Test]
        public void OverlongPasswordIsInvalidArgument()
        {
            UserTokenException e = Throws(() =>
                NewClient().Issue(Emulator.Version, Emulator.SiteId, "u", new string('x', 4097)));
            Assert.AreEqual(UserTokenResult.InvalidArgument, e.Result);
            StringAssert.Contains("password", e.Message);
        }

        [Test]
        public void AsyncArgumentErrorFaultsTheTaskWithoutARequest()
        {
            UserTokenClient client = NewClient();
            Exception e = Failure(client.IssueAsync(Emulator.Version, "", "u", "p"));
            Assert.IsInstanceOf<UserTokenException>(e);
            Assert.AreEqual(UserTokenResult.InvalidArgument, ((UserTokenException)e).Result);
            StringAssert.Contains("ut_issue_async", e.Message);

            e = Failure(client.RenewAsync(Emulator.Version, Emulator.SiteId, null));
            Assert.AreEqual(UserTokenResult.NullArgument, ((UserTokenException)e).Result);
            e = Failure(client.RevokeAsync(Emulator.Version, Emulator.SiteId, "bad\ntoken"));
            Assert.AreEqual(UserTokenResult.InvalidArgument, ((UserTokenException)e).Result);
            Assert.AreEqual(0L, Emulator.Count("requests"));
        }

        [Test]
        public void SessionArgumentsAreCheckedToo()
        {
            UserTokenException e = Throws(() =>
                NewClient().CreateSession(Emulator.Version, Emulator.SiteId, Emulator.OwnerUsername, null));
            Assert.AreEqual(UserTokenResult.NullArgument, e.Result);
            StringAssert.Contains("password", e.Message);
        }

        [Test]
        public void StringsACStringCannotCarryAreRejectedByTheBinding()
        {
            UserTokenClient client = NewClient();
            var e = Assert.Throws<ArgumentException>(() =>
                client.Issue(Emulator.Version, Emulator.SiteId, Emulator.OwnerUsername, "apitest1234\0tail"));
            Assert.AreEqual("password", e.ParamName);
            e = Assert.Throws<ArgumentException>(() =>
                client.Issue(Emulator.Version, Emulator.SiteId, "user\udc00", "p"));
            Assert.AreEqual("username", e.ParamName);
            Assert.AreEqual(0L, Emulator.Count("requests"));
        }
    }
}
