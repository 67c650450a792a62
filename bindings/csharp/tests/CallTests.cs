using System;
using System.Collections.Generic;
using NUnit.Framework;
using UserToken;

namespace UserToken.Tests
{
    /// <summary>Issue, renew and revoke, blocking, as they succeed and as the API refuses them.</summary>
    [TestFixture]
    public class CallTests : EmulatorTest
    {
        [Test]
        public void IssueReturnsTheTypedAnswer()
        {
            DateTimeOffset before = DateTimeOffset.UtcNow;
            IssueResponse issued = IssueOwner(NewClient());
            Assert.AreEqual("Bearer", issued.TokenType);
            Assert.IsFalse(string.IsNullOrEmpty(issued.AccessToken));
            Assert.IsTrue(issued.Expires.HasValue);
            Assert.AreEqual(TimeSpan.Zero, issued.Expires.Value.Offset);
            double hours = (issued.Expires.Value - before).TotalHours;
            Assert.That(hours, Is.InRange(23.9, 24.1));
            Assert.AreEqual(0L, issued.User.Id);
            Assert.AreEqual("Site", issued.User.FirstName);
            Assert.AreEqual("Owner", issued.User.LastName);
            Assert.AreEqual("Owner", issued.User.Type);
            StringAssert.Contains(issued.AccessToken, issued.Json);
            StringAssert.DoesNotContain(issued.AccessToken, issued.ToString());
        }

        [Test]
        public void IssueForAStaffMember()
        {
            IssueResponse issued = NewClient().Issue(Emulator.Version, Emulator.SiteId, Emulator.StaffUsername,
                Emulator.StaffPassword);
            Assert.AreEqual(100000123L, issued.User.Id);
            Assert.AreEqual("Jane", issued.User.FirstName);
            Assert.AreEqual("Doe", issued.User.LastName);
            Assert.AreEqual("Staff", issued.User.Type);
        }

        [Test]
        public void IssueSendsTheDocumentedRequest()
        {
            IssueOwner(NewClient());
            RecordedRequest request = Emulator.RequestList()[0];
            Assert.AreEqual("POST", request.Method);
            Assert.AreEqual("/public/v6/usertoken/issue", request.Path);
            Assert.AreEqual(Emulator.ApiKey, Emulator.Header(request, "api-key"));
            Assert.AreEqual(Emulator.SiteId, Emulator.Header(request, "siteid"));
            Dictionary<string, string> body = JsonContract.Read<Dictionary<string, string>>(request.Body);
            Assert.AreEqual(Emulator.OwnerUsername, body["Username"]);
            Assert.AreEqual(Emulator.OwnerPassword, body["Password"]);
        }

        [Test]
        public void CredentialsReachTheServerExactly()
        {
            // Quotes, backslashes, control characters and non-ASCII, through UTF-8 marshalling
            // and the library's JSON body.
            const string username = "Zoë \"the\" \\ user\t\u00e9\u4e2d\U0001F600";
            const string password = "p\u00e4ss\nw\"rd";
            UserTokenException e = Throws(() =>
                NewClient().Issue(Emulator.Version, Emulator.SiteId, username, password));
            Assert.AreEqual(UserTokenResult.Denied, e.Result);
            var body = JsonContract.Read<Dictionary<string, string>>(Emulator.RequestList()[0].Body);
            Assert.AreEqual(username, body["Username"]);
            Assert.AreEqual(password, body["Password"]);
        }

        [Test]
        public void RenewExtendsByADayWithBearerOrBareToken()
        {
            UserTokenClient client = NewClient();
            IssueResponse issued = IssueOwner(client);
            IssueResponse renewed = client.Renew(Emulator.Version, Emulator.SiteId, "Bearer " + issued.AccessToken);
            Assert.AreEqual(issued.Expires.Value.AddHours(24), renewed.Expires.Value);
            Assert.AreNotEqual(issued.AccessToken, renewed.AccessToken, "renew answers a new token");
            IssueResponse again = client.Renew(Emulator.Version, Emulator.SiteId, renewed.AccessToken);
            Assert.AreEqual(issued.Expires.Value.AddHours(48), again.Expires.Value);
            Assert.AreEqual("Bearer " + issued.AccessToken,
                Emulator.Header(Emulator.RequestList()[1], "authorization"));
        }

        [Test]
        public void EmptyRenewAnswerReadsAsEmptyObject()
        {
            UserTokenClient client = NewClient();
            IssueResponse issued = IssueOwner(client);
            Emulator.AddFault("{\"kind\":\"status\",\"call\":\"renew\",\"status\":204,\"body\":\"\"}");
            IssueResponse renewed = client.Renew(Emulator.Version, Emulator.SiteId, issued.AccessToken);
            Assert.AreEqual("{}", renewed.Json);
            Assert.IsNull(renewed.AccessToken);
            Assert.IsNull(renewed.Expires);
            Assert.IsNull(renewed.User);
        }

        [Test]
        public void RevokeReturnsTheAnswerAndEndsTheToken()
        {
            UserTokenClient client = NewClient();
            IssueResponse issued = IssueOwner(client);
            Assert.AreEqual("{}", client.Revoke(Emulator.Version, Emulator.SiteId, "Bearer " + issued.AccessToken));
            RecordedRequest request = Emulator.RequestList()[1];
            Assert.AreEqual("DELETE", request.Method);
            Assert.AreEqual("/public/v6/usertoken/revoke", request.Path);

            UserTokenException e = Throws(() =>
                client.Renew(Emulator.Version, Emulator.SiteId, "Bearer " + issued.AccessToken));
            Assert.AreEqual(UserTokenResult.Denied, e.Result);
            Assert.AreEqual(401, e.HttpStatus);
            Assert.AreEqual("DeniedAccess", e.ApiCode);
            StringAssert.DoesNotContain(issued.AccessToken, e.Message);
            StringAssert.DoesNotContain(issued.AccessToken, e.Json);
        }

        [Test]
        public void WrongPasswordIsDenied()
        {
            UserTokenException e = Throws(() =>
                NewClient().Issue(Emulator.Version, Emulator.SiteId, Emulator.OwnerUsername, "wrong-password"));
            Assert.AreEqual(UserTokenResult.Denied, e.Result);
            Assert.AreEqual("UT_DENIED", e.ResultName);
            Assert.AreEqual(403, e.HttpStatus, "bad credentials are 403, as observed live");
            Assert.AreEqual("DeniedAccess", e.ApiCode);
            Assert.AreEqual(1, e.Attempts);
            StringAssert.Contains("Staff identity authentication failed.", e.Message);
            StringAssert.DoesNotContain("wrong-password", e.Json);
        }

        [Test]
        public void WrongApiKeyIsDenied()
        {
            UserTokenOptions options = Options();
            options.ApiKey = "not-the-key";
            UserTokenException e = Throws(() => IssueOwner(NewClient(options)));
            Assert.AreEqual(UserTokenResult.Denied, e.Result);
            StringAssert.Contains("Invalid API key", e.Message);
            StringAssert.DoesNotContain("not-the-key", e.Json);
        }

        [Test]
        public void UnknownSiteIsAnHttpError()
        {
            UserTokenException e = Throws(() =>
                NewClient().Issue(Emulator.Version, "-98", Emulator.OwnerUsername, Emulator.OwnerPassword));
            Assert.AreEqual(UserTokenResult.HttpError, e.Result);
            Assert.AreEqual(400, e.HttpStatus);
            Assert.AreEqual("InvalidSiteId", e.ApiCode);
        }

        [Test]
        public void ErrorDocumentIsKept()
        {
            UserTokenException e = Throws(() =>
                NewClient().Issue(Emulator.Version, Emulator.SiteId, Emulator.OwnerUsername, "wrong"));
            var document = JsonContract.Read<Dictionary<string, object>>(e.Json);
            Assert.AreEqual("UT_DENIED", document["result"]);
            Assert.AreEqual(e.Message, document["message"]);
        }

        [Test]
        public void DisposedClientThrowsObjectDisposed()
        {
            var client = new UserTokenClient(Options());
            client.Dispose();
            client.Dispose();
            Assert.Throws<ObjectDisposedException>(() => IssueOwner(client));
            Assert.Throws<ObjectDisposedException>(() => client.IssueAsync("6", "-99", "u", "p"));
        }
    }
}
