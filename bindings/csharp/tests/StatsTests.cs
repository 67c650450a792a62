using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using NUnit.Framework;
using UserToken;

namespace UserToken.Tests
{
    /// <summary>UserTokenClient.Stats: calls, requests (retries included) and failures per call.</summary>
    [TestFixture]
    public class StatsTests : EmulatorTest
    {
        [Test]
        public void ANewClientHasDoneNothing()
        {
            UserTokenStats stats = NewClient().Stats;
            foreach (UserTokenCallStats call in new[] { stats.Issue, stats.Renew, stats.Revoke })
            {
                AssertCounts(call, 0, 0);
                Assert.AreEqual(0L, call.Failed);
            }
            Assert.AreEqual(0L, stats.Requests);
            StringAssert.StartsWith("{", stats.Json);
        }

        [Test]
        public void CallsAndRequestsOfEachCall()
        {
            UserTokenClient client = NewClient();
            IssueResponse issued = IssueOwner(client);
            client.Renew(Emulator.Version, Emulator.SiteId, issued.AccessToken);
            client.Renew(Emulator.Version, Emulator.SiteId, issued.AccessToken);
            client.Revoke(Emulator.Version, Emulator.SiteId, issued.AccessToken);
            UserTokenStats stats = client.Stats;
            AssertCounts(stats.Issue, 1, 1);
            AssertCounts(stats.Renew, 2, 2);
            AssertCounts(stats.Revoke, 1, 1);
            Assert.AreEqual(4L, stats.Requests);
            Assert.AreEqual(Emulator.Count("requests"), stats.Requests);
        }

        [Test]
        public void RequestsCountRetries()
        {
            UserTokenClient client = NewClient();
            Emulator.AddFault("{\"kind\":\"status\",\"status\":503,\"call\":\"issue\",\"count\":1}");
            IssueOwner(client); // the retry succeeds
            UserTokenStats stats = client.Stats;
            AssertCounts(stats.Issue, 1, 2);
            Assert.AreEqual(0, stats.Issue.Failures.Count);
            Assert.AreEqual(Emulator.Count("issue"), stats.Issue.Requests);
        }

        [Test]
        public void FailuresByResultName()
        {
            UserTokenClient client = NewClient();
            Throws(() => client.Issue(Emulator.Version, Emulator.SiteId, Emulator.OwnerUsername, "wrong"));
            Emulator.AddFault("{\"kind\":\"status\",\"status\":503,\"call\":\"issue\",\"count\":3}");
            Throws(() => IssueOwner(client)); // MaxRetries 2: three requests
            Throws(() => client.Revoke(Emulator.Version, Emulator.SiteId, "no-such-token"));
            UserTokenStats stats = client.Stats;
            AssertCounts(stats.Issue, 2, 4);
            CollectionAssert.AreEquivalent(
                new Dictionary<string, long> { { "UT_DENIED", 1 }, { "UT_SERVER_ERROR", 1 } }, stats.Issue.Failures);
            Assert.AreEqual(1L, stats.Issue.FailuresOf(UserTokenResult.Denied));
            Assert.AreEqual(1L, stats.Issue.FailuresOf(UserTokenResult.ServerError));
            Assert.AreEqual(0L, stats.Issue.FailuresOf(UserTokenResult.Timeout));
            Assert.AreEqual(2L, stats.Issue.Failed);
            AssertCounts(stats.Revoke, 1, 1);
            Assert.AreEqual(1L, stats.Revoke.FailuresOf(UserTokenResult.Denied));
            AssertCounts(stats.Renew, 0, 0);
            Assert.AreEqual(5L, stats.Requests);
            Assert.AreEqual(Emulator.Count("requests"), stats.Requests);
        }

        [Test]
        public void ArgumentErrorsAreNotCalls()
        {
            UserTokenClient client = NewClient();
            Throws(() => client.Issue(Emulator.Version, Emulator.SiteId, "", "x"));
            Throws(() => client.Renew(Emulator.Version, "not a site", "token"));
            UserTokenStats stats = client.Stats;
            AssertCounts(stats.Issue, 0, 0);
            AssertCounts(stats.Renew, 0, 0);
            Assert.AreEqual(0L, Emulator.Count("requests"));
        }

        [Test]
        public void SessionsCallsAreCounted()
        {
            UserTokenOptions options = Options();
            options.SessionRenewMarginS = 30L * 24 * 3600; // every GetToken renews
            UserTokenClient client = NewClient(options);
            using (UserTokenSession session = client.CreateSession(Emulator.Version, Emulator.SiteId,
                Emulator.StaffUsername, Emulator.StaffPassword))
            {
                session.GetToken();
                session.GetToken();
                session.Revoke();
                session.Invalidate();
                session.GetToken();
            }
            UserTokenStats stats = client.Stats;
            Assert.AreEqual(2L, stats.Issue.Calls);
            Assert.AreEqual(2L, stats.Renew.Calls);
            Assert.AreEqual(1L, stats.Revoke.Calls);
            Assert.AreEqual(5L, stats.Requests);
            Assert.AreEqual(Emulator.Count("requests"), stats.Requests);
        }

        [Test]
        public void ACancelledAsyncCallIsCountedAsCancelled()
        {
            Emulator.AddFault("{\"kind\":\"hang\",\"call\":\"issue\"}");
            UserTokenClient client = NewClient();
            using (var cancellation = new CancellationTokenSource())
            {
                Task<IssueResponse> task = client.IssueAsync(Emulator.Version, Emulator.SiteId,
                    Emulator.OwnerUsername, Emulator.OwnerPassword, cancellation.Token);
                for (int i = 0; i < 500 && Emulator.Count("issue") == 0; i++)
                {
                    Thread.Sleep(10);
                }
                cancellation.Cancel();
                Settle(task);
                Assert.IsTrue(task.IsCanceled);
            }
            UserTokenStats stats = client.Stats;
            AssertCounts(stats.Issue, 1, 1);
            Assert.AreEqual(1L, stats.Issue.FailuresOf(UserTokenResult.Cancelled));
        }

        [Test]
        public void EachClientCountsItsOwn()
        {
            UserTokenClient first = NewClient();
            UserTokenClient second = NewClient();
            IssueOwner(first);
            AssertCounts(first.Stats.Issue, 1, 1);
            AssertCounts(second.Stats.Issue, 0, 0);
        }

        [Test]
        public void EachReadIsANewSnapshot()
        {
            UserTokenClient client = NewClient();
            UserTokenStats before = client.Stats;
            IssueOwner(client);
            AssertCounts(before.Issue, 0, 0);
            AssertCounts(client.Stats.Issue, 1, 1);
        }

        [Test]
        public void StatsOfADisposedClientThrowObjectDisposed()
        {
            var client = new UserTokenClient(Options());
            client.Dispose();
            Assert.Throws<ObjectDisposedException>(() => { UserTokenStats stats = client.Stats; });
        }

        [Test]
        public void ReadingToleratesMissingAndExtraMembers()
        {
            var stats = new UserTokenStats(
                "{\"issue\":{\"calls\":3,\"requests\":4,\"failures\":{\"UT_TIMEOUT\":1},\"later\":9},\"other\":{}}");
            AssertCounts(stats.Issue, 3, 4);
            Assert.AreEqual(1L, stats.Issue.FailuresOf(UserTokenResult.Timeout));
            AssertCounts(stats.Renew, 0, 0);
            AssertCounts(stats.Revoke, 0, 0);
            StringAssert.Contains("UT_TIMEOUT 1", stats.ToString());
        }

        private static void AssertCounts(UserTokenCallStats call, long calls, long requests)
        {
            Assert.AreEqual(calls, call.Calls, "calls");
            Assert.AreEqual(requests, call.Requests, "requests");
        }
    }
}
