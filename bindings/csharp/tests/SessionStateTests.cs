using System;
using System.Collections.Generic;
using System.Runtime.Serialization;
using System.Threading;
using NUnit.Framework;
using UserToken;

namespace UserToken.Tests
{
    /// <summary>A session's token forgotten (Invalidate), saved (Export) and taken up again
    /// (RestoreSession).</summary>
    [TestFixture]
    public class SessionStateTests : EmulatorTest
    {
        private const long Day = 24 * 3600;

        // Invalidate

        [Test]
        public void InvalidateSendsNothingAndTheNextTokenIsANewOne()
        {
            UserTokenSession session = Own(StaffSession(NewClient()));
            string first = session.GetToken();
            session.Invalidate();
            Assert.AreEqual(1L, Emulator.Count("requests"), "invalidating sends nothing");
            string second = session.GetToken();
            Assert.AreNotEqual(first, second);
            Assert.AreEqual(2L, Emulator.Count("issue"));
            Assert.AreEqual(second, session.GetToken());
            Assert.AreEqual(2L, Emulator.Count("requests"));
            // Forgotten, not revoked: the API still has the first token as live.
            Assert.AreEqual(0L, Emulator.Count("revoke"));
            Assert.IsFalse(TokenIsRevoked(first));
        }

        [Test]
        public void AfterInvalidateConcurrentCallersShareOneIssue()
        {
            UserTokenSession session = Own(StaffSession(NewClient()));
            string first = session.GetToken();
            session.Invalidate();
            Emulator.AddFault("{\"kind\":\"delay\",\"call\":\"issue\",\"delay_ms\":200}");
            var tokens = new string[8];
            var threads = new List<Thread>();
            for (int i = 0; i < tokens.Length; i++)
            {
                int slot = i;
                var thread = new Thread(() => tokens[slot] = session.GetToken());
                thread.Start();
                threads.Add(thread);
            }
            foreach (Thread thread in threads)
            {
                Assert.IsTrue(thread.Join(TimeSpan.FromSeconds(10)));
            }
            foreach (string token in tokens)
            {
                Assert.AreEqual(tokens[0], token);
            }
            Assert.AreNotEqual(first, tokens[0]);
            Assert.AreEqual(2L, Emulator.Count("issue"));
        }

        [Test]
        public void InvalidateOfADisposedSessionThrowsObjectDisposed()
        {
            UserTokenSession session = StaffSession(NewClient());
            session.Dispose();
            Assert.Throws<ObjectDisposedException>(() => session.Invalidate());
        }

        // Export

        [Test]
        public void ExportHoldsTheTokenAndNeverThePassword()
        {
            UserTokenSession session = Own(StaffSession(NewClient()));
            string state = session.Export();
            var keys = new List<string>(JsonContract.Read<Dictionary<string, object>>(state).Keys);
            keys.Sort(StringComparer.Ordinal);
            CollectionAssert.AreEqual(
                new[] { "access_token", "expires", "renewals", "site_id", "username", "version" }, keys);
            SessionState parsed = JsonContract.Read<SessionState>(state);
            Assert.AreEqual(session.GetToken(), parsed.AccessToken);
            Assert.AreEqual(Emulator.SiteId, parsed.SiteId);
            Assert.AreEqual(Emulator.StaffUsername, parsed.Username);
            Assert.AreEqual(Emulator.Version, parsed.Version);
            Assert.AreEqual(0L, parsed.Renewals);
            StringAssert.DoesNotContain(Emulator.StaffPassword, state);
            Assert.AreEqual(1L, Emulator.Count("requests"), "exporting sends nothing");
        }

        [Test]
        public void ExportAfterRevokeOrInvalidateIssuesAUsableToken()
        {
            UserTokenSession session = Own(StaffSession(NewClient()));
            string first = session.GetToken();
            session.Revoke();
            string afterRevoke = AccessToken(session.Export());
            session.Invalidate();
            string afterInvalidate = AccessToken(session.Export());
            Assert.AreEqual(afterInvalidate, session.GetToken());
            CollectionAssert.AllItemsAreUnique(new[] { first, afterRevoke, afterInvalidate });
            Assert.AreEqual(3L, Emulator.Count("issue"));
        }

        [Test]
        public void ExportOfADisposedSessionThrowsObjectDisposed()
        {
            UserTokenSession session = StaffSession(NewClient());
            session.Dispose();
            Assert.Throws<ObjectDisposedException>(() => session.Export());
        }

        // RestoreSession

        [Test]
        public void RestoreInANewClientSendsNothingWhileTheTokenIsValid()
        {
            UserTokenSession session = Own(StaffSession(NewClient()));
            string state = session.Export();
            string token = session.GetToken();
            UserTokenClient other = NewClient();
            using (UserTokenSession restored = other.RestoreSession(Emulator.Version, Emulator.SiteId,
                Emulator.StaffUsername, Emulator.StaffPassword, state))
            {
                Assert.AreEqual(token, restored.GetToken());
                Assert.AreEqual(token, restored.GetToken());
            }
            Assert.AreEqual(0L, other.Stats.Requests);
            Assert.AreEqual(1L, Emulator.Count("requests"));
        }

        [Test]
        public void ARestoredSessionKeepsCountingRenewals()
        {
            // A margin longer than any token's life: every GetToken renews.
            UserTokenOptions options = Options();
            options.SessionRenewMarginS = 30 * Day;
            string state;
            using (UserTokenSession session = StaffSession(NewClient(options)))
            {
                for (int i = 0; i < 3; i++)
                {
                    session.GetToken();
                }
                state = session.Export();
            }
            Assert.AreEqual(3L, JsonContract.Read<SessionState>(state).Renewals);
            using (UserTokenSession restored = NewClient(options).RestoreSession(Emulator.Version, Emulator.SiteId,
                Emulator.StaffUsername, Emulator.StaffPassword, state))
            {
                Assert.AreEqual(1L, Emulator.Count("issue"));
                for (long renewals = 4; renewals <= 7; renewals++)
                {
                    restored.GetToken();
                    Assert.AreEqual(renewals, Emulator.Count("renew"));
                }
                restored.GetToken(); // an eighth renewal is not allowed: a new token
            }
            Assert.AreEqual(2L, Emulator.Count("issue"));
            Assert.AreEqual(7L, Emulator.Count("renew"));
        }

        [TestCase("username")]
        [TestCase("version")]
        [TestCase("site")]
        public void RestoreIssuesWhenTheStateIsOfAnotherLogin(string login)
        {
            UserTokenSession session = Own(StaffSession(NewClient()));
            string token = session.GetToken();
            string state = session.Export();
            string version = Emulator.Version;
            string username = Emulator.StaffUsername;
            string password = Emulator.StaffPassword;
            if (login == "username")
            {
                username = Emulator.OwnerUsername;
                password = Emulator.OwnerPassword;
            }
            else if (login == "version")
            {
                version = "7";
            }
            else
            {
                // The emulator knows one site; the state says it was saved for another.
                state = state.Replace("\"site_id\":\"-99\"", "\"site_id\":\"12345\"");
                StringAssert.Contains("12345", state);
            }
            UserTokenClient other = NewClient();
            using (UserTokenSession restored = other.RestoreSession(version, Emulator.SiteId, username, password, state))
            {
                Assert.AreNotEqual(token, restored.GetToken());
            }
            Assert.AreEqual(1L, other.Stats.Issue.Calls);
            Assert.AreEqual(2L, Emulator.Count("issue"));
            List<RecordedRequest> requests = Emulator.RequestList();
            RecordedRequest issue = requests[requests.Count - 1];
            Assert.AreEqual("/public/v" + version + "/usertoken/issue", issue.Path);
            StringAssert.Contains("\"Username\":\"" + username + "\"", issue.Body);
        }

        [Test]
        public void RestoreIssuesWhenTheSavedTokenHasExpired()
        {
            // A state saved long ago: its token has expired. (Export itself never writes an
            // expired token: it would refresh it first.)
            UserTokenClient client = NewClient();
            string state;
            using (UserTokenSession session = StaffSession(client))
            {
                state = session.Export();
            }
            state = System.Text.RegularExpressions.Regex.Replace(
                state, "\"expires\":\"[^\"]*\"", "\"expires\":\"2001-01-01T00:00:00Z\"");
            StringAssert.Contains("2001-01-01T00:00:00Z", state);
            using (UserTokenSession restored = client.RestoreSession(Emulator.Version, Emulator.SiteId,
                Emulator.StaffUsername, Emulator.StaffPassword, state))
            {
                Assert.AreNotEqual(AccessToken(state), restored.GetToken());
            }
            Assert.AreEqual(2L, Emulator.Count("issue"));
        }

        [Test]
        public void RestoreReturnsTheFailureOfTheIssueItNeeded()
        {
            UserTokenClient client = NewClient();
            string state;
            using (UserTokenSession session = StaffSession(client))
            {
                state = session.Export();
            }
            UserTokenException e = Throws(() => client.RestoreSession(Emulator.Version, Emulator.SiteId,
                Emulator.OwnerUsername, "wrong", state));
            Assert.AreEqual(UserTokenResult.Denied, e.Result);
            Assert.AreEqual(1, e.Attempts);
            Assert.AreEqual(2L, Emulator.Count("issue"));
        }

        [TestCase("")]
        [TestCase("not json")]
        [TestCase("[]")]
        [TestCase("{}")]
        [TestCase("{\"access_token\":\"x\"}")]
        public void AMalformedStateIsAnInvalidArgumentAndSendsNothing(string state)
        {
            UserTokenException e = Throws(() => NewClient().RestoreSession(Emulator.Version, Emulator.SiteId,
                Emulator.StaffUsername, Emulator.StaffPassword, state));
            Assert.AreEqual(UserTokenResult.InvalidArgument, e.Result);
            StringAssert.Contains("state", e.Message);
            Assert.AreEqual(0L, Emulator.Count("requests"));
        }

        [Test]
        public void ANullStateIsANullArgument()
        {
            UserTokenException e = Throws(() => NewClient().RestoreSession(Emulator.Version, Emulator.SiteId,
                Emulator.StaffUsername, Emulator.StaffPassword, null));
            Assert.AreEqual(UserTokenResult.NullArgument, e.Result);
            StringAssert.Contains("state", e.Message);
        }

        [Test]
        public void RestoreOnADisposedClientThrowsObjectDisposed()
        {
            var client = new UserTokenClient(Options());
            client.Dispose();
            Assert.Throws<ObjectDisposedException>(() => client.RestoreSession(Emulator.Version, Emulator.SiteId,
                Emulator.StaffUsername, Emulator.StaffPassword, "{}"));
        }

        private static UserTokenSession StaffSession(UserTokenClient client)
        {
            return client.CreateSession(Emulator.Version, Emulator.SiteId, Emulator.StaffUsername,
                Emulator.StaffPassword);
        }

        private static string AccessToken(string state)
        {
            return JsonContract.Read<SessionState>(state).AccessToken;
        }

        private bool TokenIsRevoked(string token)
        {
            string json = Emulator.Send("GET", "/_emulator/tokens", null);
            foreach (EmulatorToken entry in JsonContract.Read<EmulatorTokens>(json).Tokens)
            {
                if (entry.Token == token)
                {
                    return entry.Revoked;
                }
            }
            throw new InvalidOperationException("the emulator does not know the token");
        }

        /// <summary>What the tests read of an exported state.</summary>
        [DataContract]
        private sealed class SessionState
        {
            [DataMember(Name = "access_token", IsRequired = false)]
            public string AccessToken { get; set; }

            [DataMember(Name = "renewals", IsRequired = false)]
            public long? Renewals { get; set; }

            [DataMember(Name = "site_id", IsRequired = false)]
            public string SiteId { get; set; }

            [DataMember(Name = "username", IsRequired = false)]
            public string Username { get; set; }

            [DataMember(Name = "version", IsRequired = false)]
            public string Version { get; set; }
        }

        /// <summary>{"tokens":[{"token","revoked",...}]}</summary>
        [DataContract]
        private sealed class EmulatorTokens
        {
            [DataMember(Name = "tokens", IsRequired = false)]
            public List<EmulatorToken> Tokens { get; set; }
        }

        [DataContract]
        private sealed class EmulatorToken
        {
            [DataMember(Name = "token", IsRequired = false)]
            public string Token { get; set; }

            [DataMember(Name = "revoked", IsRequired = false)]
            public bool Revoked { get; set; }
        }
    }
}
