using System;
using System.Collections.Generic;
using System.Threading;
using NUnit.Framework;
using UserToken;

namespace UserToken.Tests
{
    [TestFixture]
    public class SessionTests : EmulatorTest
    {
        [Test]
        public void SessionIssuesAtOnceAndReusesItsToken()
        {
            UserTokenSession session = Own(NewClient().CreateSession(Emulator.Version, Emulator.SiteId,
                Emulator.OwnerUsername, Emulator.OwnerPassword));
            Assert.AreEqual(1L, Emulator.Count("issue"));
            string token = session.GetToken();
            Assert.IsFalse(string.IsNullOrEmpty(token));
            Assert.AreEqual(token, session.GetToken());
            Assert.AreEqual(1L, Emulator.Count("requests"));
        }

        [Test]
        public void SevenRenewalsThenANewToken()
        {
            // A margin longer than any token's life: every GetToken has to refresh.
            UserTokenOptions options = Options();
            options.SessionRenewMarginS = 365L * 24 * 3600;
            UserTokenSession session = Own(NewClient(options).CreateSession(Emulator.Version, Emulator.SiteId,
                Emulator.OwnerUsername, Emulator.OwnerPassword));
            for (int renewal = 1; renewal <= 7; renewal++)
            {
                Assert.IsNotNull(session.GetToken());
                Assert.AreEqual((long)renewal, Emulator.Count("renew"), "renewals after GetToken " + renewal);
                Assert.AreEqual(1L, Emulator.Count("issue"));
            }
            Assert.IsNotNull(session.GetToken());
            Assert.AreEqual(7L, Emulator.Count("renew"));
            Assert.AreEqual(2L, Emulator.Count("issue"));
        }

        [Test]
        public void RenewsWhenTheEmulatorsClockSaysTheTokenIsNearlyOver()
        {
            // A clock 23.5 h behind issues a token with 30 min left in real time: inside the
            // default one-hour margin.
            Emulator.AdvanceClock(-(23 * 3600 + 1800));
            UserTokenSession session = Own(NewClient().CreateSession(Emulator.Version, Emulator.SiteId,
                Emulator.StaffUsername, Emulator.StaffPassword));
            Assert.AreEqual(0L, Emulator.Count("renew"));
            session.GetToken();
            Assert.AreEqual(1L, Emulator.Count("renew"));
            // Renewed by 24 h from its expiry: outside the margin now.
            session.GetToken();
            Assert.AreEqual(1L, Emulator.Count("renew"));
            Assert.AreEqual(1L, Emulator.Count("issue"));
        }

        [Test]
        public void RevokeEndsTheTokenAndTheNextGetTokenIssues()
        {
            UserTokenSession session = Own(NewClient().CreateSession(Emulator.Version, Emulator.SiteId,
                Emulator.OwnerUsername, Emulator.OwnerPassword));
            string first = session.GetToken();
            Assert.AreEqual("{}", session.Revoke());
            Assert.AreEqual(1L, Emulator.Count("revoke"));
            Assert.AreEqual("{}", session.Revoke(), "nothing left to revoke");
            Assert.AreEqual(1L, Emulator.Count("revoke"));
            string second = session.GetToken();
            Assert.AreNotEqual(first, second);
            Assert.AreEqual(2L, Emulator.Count("issue"));
        }

        [Test]
        public void ConcurrentGetTokenShareOneRefresh()
        {
            UserTokenOptions options = Options();
            options.SessionRenewMarginS = 365L * 24 * 3600;
            UserTokenSession session = Own(NewClient(options).CreateSession(Emulator.Version, Emulator.SiteId,
                Emulator.OwnerUsername, Emulator.OwnerPassword));
            Emulator.AddFault("{\"kind\":\"delay\",\"call\":\"renew\",\"delay_ms\":200}");
            var threads = new List<Thread>();
            var tokens = new string[8];
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
                Assert.IsNotNull(token);
            }
            Assert.Less(Emulator.Count("renew"), 8L);
        }

        [Test]
        public void FailedRefreshKeepsTheUnexpiredToken()
        {
            UserTokenOptions options = Options();
            options.SessionRenewMarginS = 365L * 24 * 3600;
            options.MaxRetries = 0;
            UserTokenSession session = Own(NewClient(options).CreateSession(Emulator.Version, Emulator.SiteId,
                Emulator.OwnerUsername, Emulator.OwnerPassword));
            string before = session.GetToken();
            Emulator.AddFault("{\"kind\":\"status\",\"call\":\"renew\",\"status\":503}");
            Assert.AreEqual(before, session.GetToken());
        }

        [Test]
        public void DeniedRenewalIssuesANewToken()
        {
            UserTokenOptions options = Options();
            options.SessionRenewMarginS = 365L * 24 * 3600;
            UserTokenSession session = Own(NewClient(options).CreateSession(Emulator.Version, Emulator.SiteId,
                Emulator.OwnerUsername, Emulator.OwnerPassword));
            Emulator.AddFault("{\"kind\":\"status\",\"call\":\"renew\",\"status\":401}");
            Assert.IsNotNull(session.GetToken());
            Assert.AreEqual(1L, Emulator.Count("renew"));
            Assert.AreEqual(2L, Emulator.Count("issue"));
        }

        [Test]
        public void FailedFirstIssueIsReturned()
        {
            UserTokenException e = Throws(() => NewClient().CreateSession(Emulator.Version, Emulator.SiteId,
                Emulator.OwnerUsername, "wrong"));
            Assert.AreEqual(UserTokenResult.Denied, e.Result);
            Assert.AreEqual(403, e.HttpStatus, "bad credentials are 403, as observed live");
        }

        [Test]
        public void SessionOfADisposedClientIsCancelled()
        {
            var client = new UserTokenClient(Options());
            UserTokenSession session = Own(client.CreateSession(Emulator.Version, Emulator.SiteId,
                Emulator.OwnerUsername, Emulator.OwnerPassword));
            client.Dispose();
            Assert.AreEqual(UserTokenResult.Cancelled, Throws(() => session.GetToken()).Result);
        }

        [Test]
        public void DisposedSessionThrowsObjectDisposed()
        {
            UserTokenSession session = NewClient().CreateSession(Emulator.Version, Emulator.SiteId,
                Emulator.OwnerUsername, Emulator.OwnerPassword);
            session.Dispose();
            session.Dispose();
            Assert.Throws<ObjectDisposedException>(() => session.GetToken());
            Assert.AreEqual(0L, Emulator.Count("revoke"), "disposing sends nothing");
        }
    }
}
