using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;
using NUnit.Framework;
using UserToken;

namespace UserToken.Tests
{
    /// <summary>UserTokenSession.GetTokenAsync: the token on the library's threads, cancellable.</summary>
    [TestFixture]
    public class SessionAsyncTests : EmulatorTest
    {
        private const long Day = 24 * 3600;

        [Test]
        public void AFreshTokenComesWithoutARequest()
        {
            UserTokenSession session = Own(StaffSession(NewClient()));
            Assert.AreEqual(session.GetToken(), Await(session.GetTokenAsync()));
            Assert.AreEqual(1L, Emulator.Count("requests"));
        }

        [Test]
        public void NearExpiryItRenewsOnce()
        {
            NearExpiry();
            UserTokenSession session = Own(StaffSession(NewClient()));
            string renewed = Await(session.GetTokenAsync());
            Assert.AreEqual(renewed, Await(session.GetTokenAsync()));
            Assert.AreEqual(renewed, session.GetToken());
            Assert.AreEqual(1L, Emulator.Count("renew"));
            Assert.AreEqual(1L, Emulator.Count("issue"));
        }

        [Test]
        public void AsyncAndBlockingCallersShareOneRefresh()
        {
            NearExpiry();
            UserTokenSession session = Own(StaffSession(NewClient()));
            Emulator.AddFault("{\"kind\":\"delay\",\"call\":\"renew\",\"delay_ms\":300}");
            var tasks = new List<Task<string>>();
            for (int i = 0; i < 8; i++)
            {
                tasks.Add(session.GetTokenAsync());
            }
            string blocking = session.GetToken();
            Assert.IsTrue(Task.WaitAll(tasks.ToArray(), TimeSpan.FromSeconds(10)));
            Assert.AreEqual(1, tasks.Select(t => t.Result).Concat(new[] { blocking }).Distinct().Count());
            Assert.AreEqual(1L, Emulator.Count("renew"));
        }

        [Test]
        public void NoThreadIsBlockedWhileTheTokenIsRenewed()
        {
            NearExpiry();
            UserTokenSession session = Own(StaffSession(NewClient()));
            Emulator.AddFault("{\"kind\":\"delay\",\"call\":\"renew\",\"delay_ms\":500}");
            Stopwatch watch = Stopwatch.StartNew();
            Task<string> task = session.GetTokenAsync();
            Assert.Less(watch.ElapsedMilliseconds, 250, "GetTokenAsync waited for the renewal");
            Assert.IsFalse(task.IsCompleted);
            Assert.IsNotNull(Await(task));
        }

        [Test]
        public void CancellingTheTokenCancelsTheRequestAndTheRefreshGoesOn()
        {
            NearExpiry();
            UserTokenSession session = Own(StaffSession(NewClient()));
            Emulator.AddFault("{\"kind\":\"delay\",\"call\":\"renew\",\"delay_ms\":1500}");
            using (var cancellation = new CancellationTokenSource())
            {
                Task<string> task = session.GetTokenAsync(cancellation.Token);
                WaitFor(() => Emulator.Count("renew") == 1);
                Assert.IsFalse(task.IsCompleted);
                Stopwatch watch = Stopwatch.StartNew();
                cancellation.Cancel();
                Settle(task);
                // Completed by the library (UT_CANCELLED) long before the renewal's answer.
                Assert.Less(watch.ElapsedMilliseconds, 1000);
                Assert.IsTrue(task.IsCanceled, "ended " + task.Status);
            }
            // The renewal it started was not abandoned: the next caller gets its token.
            session.GetToken();
            Assert.AreEqual(1L, Emulator.Count("renew"));
            Assert.AreEqual(1L, Emulator.Count("issue"));
        }

        [Test]
        public void AnAlreadyCancelledTokenStartsNothing()
        {
            NearExpiry();
            UserTokenSession session = Own(StaffSession(NewClient()));
            using (var cancellation = new CancellationTokenSource())
            {
                cancellation.Cancel();
                Task<string> task = session.GetTokenAsync(cancellation.Token);
                Settle(task);
                Assert.IsTrue(task.IsCanceled);
            }
            Assert.AreEqual(0L, Emulator.Count("renew"));
        }

        [Test]
        public void AFailureEndsTheTaskWithTheException()
        {
            // The session's token expired a minute ago: a failed refresh has nothing to fall back on.
            Emulator.AdvanceClock(-(Day + 60));
            UserTokenOptions options = Options();
            options.MaxRetries = 0;
            UserTokenSession session = Own(StaffSession(NewClient(options)));
            Emulator.AddFault("{\"kind\":\"status\",\"status\":503,\"count\":5}");
            var e = (UserTokenException)Failure(session.GetTokenAsync());
            Assert.AreEqual(UserTokenResult.ServerError, e.Result);
            Assert.AreEqual(503, e.HttpStatus);
        }

        [Test]
        public void DisposingTheClientEndsAPendingTokenWithCancelled()
        {
            NearExpiry();
            Emulator.AddFault("{\"kind\":\"hang\",\"call\":\"renew\"}");
            var client = new UserTokenClient(Options());
            UserTokenSession session = Own(StaffSession(client));
            Task<string> task = session.GetTokenAsync();
            WaitFor(() => Emulator.Count("renew") == 1);
            client.Dispose();
            var e = (UserTokenException)Failure(task);
            Assert.AreEqual(UserTokenResult.Cancelled, e.Result);
        }

        [Test]
        public void ASessionOfADisposedClientFaultsWithCancelled()
        {
            var client = new UserTokenClient(Options());
            UserTokenSession session = Own(StaffSession(client));
            client.Dispose();
            Assert.AreEqual(UserTokenResult.Cancelled, Throws(() => session.GetToken()).Result);
            var e = (UserTokenException)Failure(session.GetTokenAsync());
            Assert.AreEqual(UserTokenResult.Cancelled, e.Result);
            StringAssert.Contains("disposed", e.Message);
        }

        [Test]
        public void DisposingTheSessionWhileItsTokenIsPendingFreesItAfterwards()
        {
            NearExpiry();
            Emulator.AddFault("{\"kind\":\"delay\",\"call\":\"renew\",\"delay_ms\":300}");
            UserTokenSession session = StaffSession(NewClient());
            Task<string> task = session.GetTokenAsync();
            WaitFor(() => Emulator.Count("renew") == 1);
            session.Dispose();
            Assert.Throws<ObjectDisposedException>(() => session.GetToken());
            var handle = (SafeHandle)typeof(UserTokenSession)
                .GetField("handle", BindingFlags.NonPublic | BindingFlags.Instance).GetValue(session);
            Assert.IsFalse(handle.IsClosed, "freed while the library still had it");
            // The request was not cut short, and the session is freed once it has completed.
            Assert.IsNotNull(Await(task));
            WaitFor(() => handle.IsClosed);
            Assert.Throws<ObjectDisposedException>(() => session.GetTokenAsync());
        }

        [Test]
        public void ADisposedSessionThrowsObjectDisposed()
        {
            UserTokenSession session = StaffSession(NewClient());
            session.Dispose();
            Assert.Throws<ObjectDisposedException>(() => session.GetTokenAsync());
        }

        [Test]
        public void ContinuationsDoNotRunOnTheLibrarysThread()
        {
            NearExpiry();
            UserTokenSession session = Own(StaffSession(NewClient()));
            Emulator.AddFault("{\"kind\":\"delay\",\"call\":\"renew\",\"delay_ms\":200}");
            Task<string> task = session.GetTokenAsync();
            Task<bool> inline = task.ContinueWith(t => Thread.CurrentThread.IsThreadPoolThread,
                TaskContinuationOptions.ExecuteSynchronously);
            Assert.IsTrue(Await(inline), "the continuation ran off the thread pool");
        }

        [Test]
        public void APendingTokenKeepsAnUnreferencedSessionAndClientAlive()
        {
            NearExpiry();
            Emulator.AddFault("{\"kind\":\"delay\",\"call\":\"renew\",\"delay_ms\":300}");
            Task<string> task = StartWithAbandonedSession();
            for (int i = 0; i < 5; i++)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                Thread.Sleep(20);
            }
            Assert.IsNotNull(Await(task));
            Assert.AreEqual(1L, Emulator.Count("renew"));
        }

        [Test]
        public void ManyTokensAtOnceWithGarbageCollectionsInBetween()
        {
            UserTokenSession session = Own(StaffSession(NewClient()));
            var tasks = new List<Task<string>>();
            for (int i = 0; i < 50; i++)
            {
                tasks.Add(session.GetTokenAsync());
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
            Assert.IsTrue(Task.WaitAll(tasks.ToArray(), TimeSpan.FromSeconds(10)));
            Assert.AreEqual(1, tasks.Select(t => t.Result).Distinct().Count());
            Assert.AreEqual(1L, Emulator.Count("requests"));
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private Task<string> StartWithAbandonedSession()
        {
            return StaffSession(new UserTokenClient(Options())).GetTokenAsync();
        }

        /// <summary>Tokens live 24 h on the emulator's clock; set back, they come out with ten
        /// minutes left, inside the default one-hour margin.</summary>
        private void NearExpiry()
        {
            Emulator.AdvanceClock(-(Day - 600));
        }

        private static void WaitFor(Func<bool> condition)
        {
            Stopwatch watch = Stopwatch.StartNew();
            while (!condition())
            {
                Assert.Less(watch.ElapsedMilliseconds, 5000, "timed out waiting");
                Thread.Sleep(10);
            }
        }

        private static UserTokenSession StaffSession(UserTokenClient client)
        {
            return client.CreateSession(Emulator.Version, Emulator.SiteId, Emulator.StaffUsername,
                Emulator.StaffPassword);
        }
    }
}
