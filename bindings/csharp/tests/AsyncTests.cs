using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using NUnit.Framework;
using UserToken;

namespace UserToken.Tests
{
    [TestFixture]
    public class AsyncTests : EmulatorTest
    {
        [Test]
        public void IssueRenewRevokeComplete()
        {
            UserTokenClient client = NewClient();
            IssueResponse issued = Await(client.IssueAsync(Emulator.Version, Emulator.SiteId,
                Emulator.OwnerUsername, Emulator.OwnerPassword));
            Assert.AreEqual("Owner", issued.User.Type);
            IssueResponse renewed = Await(client.RenewAsync(Emulator.Version, Emulator.SiteId, issued.AccessToken));
            Assert.AreEqual(issued.Expires.Value.AddHours(24), renewed.Expires.Value);
            Assert.AreEqual("{}", Await(client.RevokeAsync(Emulator.Version, Emulator.SiteId, renewed.AccessToken)));
        }

        [Test]
        public void FailureEndsTheTaskWithTheSameException()
        {
            Exception e = Failure(NewClient().IssueAsync(Emulator.Version, Emulator.SiteId, Emulator.OwnerUsername, "nope"));
            Assert.IsInstanceOf<UserTokenException>(e);
            var error = (UserTokenException)e;
            Assert.AreEqual(UserTokenResult.Denied, error.Result);
            Assert.AreEqual(403, error.HttpStatus);
            Assert.AreEqual("DeniedAccess", error.ApiCode);
        }

        [Test]
        public void TimeoutIsReportedAsync()
        {
            Emulator.AddFault("{\"kind\":\"hang\"}");
            UserTokenOptions options = Options();
            options.TimeoutMs = 200;
            options.MaxRetries = 0;
            var e = (UserTokenException)Failure(IssueOwnerAsync(NewClient(options), CancellationToken.None));
            Assert.AreEqual(UserTokenResult.Timeout, e.Result);
        }

        [Test]
        public void CancellingTheTokenCancelsTheRequest()
        {
            Emulator.AddFault("{\"kind\":\"hang\"}");
            UserTokenClient client = NewClient();
            using (var cancellation = new CancellationTokenSource())
            {
                Task<IssueResponse> task = IssueOwnerAsync(client, cancellation.Token);
                Thread.Sleep(100);
                Assert.IsFalse(task.IsCompleted);
                Stopwatch watch = Stopwatch.StartNew();
                cancellation.Cancel();
                Settle(task);
                Assert.Less(watch.ElapsedMilliseconds, 1000);
                Assert.IsTrue(task.IsCanceled, "ended " + task.Status);
            }
            // The client is still usable.
            Assert.IsNotNull(IssueOwner(client).AccessToken);
        }

        [Test]
        public void CancellingAfterCompletionChangesNothing()
        {
            using (var cancellation = new CancellationTokenSource())
            {
                Task<IssueResponse> task = IssueOwnerAsync(NewClient(), cancellation.Token);
                Assert.IsNotNull(Await(task).AccessToken);
                cancellation.Cancel();
                Assert.AreEqual(TaskStatus.RanToCompletion, task.Status);
            }
        }

        [Test]
        public void AlreadyCancelledTokenSendsNothing()
        {
            using (var cancellation = new CancellationTokenSource())
            {
                cancellation.Cancel();
                Task<IssueResponse> task = IssueOwnerAsync(NewClient(), cancellation.Token);
                Settle(task);
                Assert.IsTrue(task.IsCanceled);
            }
            Assert.AreEqual(0L, Emulator.Count("requests"));
        }

        [Test]
        public void ContinuationsDoNotRunOnTheLibrarysThread()
        {
            // A synchronous continuation would run inside the library's callback if the task
            // were completed inline there; then it could block a library thread. The delay
            // makes sure the continuation is attached before the task ends.
            Emulator.AddFault("{\"kind\":\"delay\",\"delay_ms\":200}");
            Task<IssueResponse> task = IssueOwnerAsync(NewClient(), CancellationToken.None);
            Task<bool> inline = task.ContinueWith(t => Thread.CurrentThread.IsThreadPoolThread,
                TaskContinuationOptions.ExecuteSynchronously);
            Assert.IsTrue(Await(inline), "the continuation ran off the thread pool");
        }

        [Test]
        public void SixteenParallelTasksOnOneClient()
        {
            UserTokenOptions options = Options();
            options.WorkerThreads = 4;
            UserTokenClient client = NewClient(options);
            var tasks = new List<Task<IssueResponse>>();
            for (int i = 0; i < 16; i++)
            {
                tasks.Add(i % 2 == 0
                    ? IssueOwnerAsync(client, CancellationToken.None)
                    : client.IssueAsync(Emulator.Version, Emulator.SiteId, Emulator.StaffUsername, Emulator.StaffPassword));
            }
            Assert.IsTrue(Task.WaitAll(tasks.ToArray(), TimeSpan.FromSeconds(10)));
            Assert.AreEqual(16, tasks.Select(t => t.Result.AccessToken).Distinct().Count());
            Assert.AreEqual(16L, Emulator.Count("issue"));
        }

        [Test]
        public void SixteenThreadsOfBlockingCallsOnOneClient()
        {
            UserTokenClient client = NewClient();
            var tokens = new string[16];
            var threads = new List<Thread>();
            for (int i = 0; i < tokens.Length; i++)
            {
                int slot = i;
                var thread = new Thread(() =>
                {
                    IssueResponse issued = IssueOwner(client);
                    client.Renew(Emulator.Version, Emulator.SiteId, issued.AccessToken);
                    tokens[slot] = issued.AccessToken;
                });
                thread.Start();
                threads.Add(thread);
            }
            foreach (Thread thread in threads)
            {
                Assert.IsTrue(thread.Join(TimeSpan.FromSeconds(10)));
            }
            Assert.AreEqual(16, tokens.Where(t => t != null).Distinct().Count());
        }

        [Test]
        public void ManyRequestsWithGarbageCollectionsInBetween()
        {
            // The callback delegate and the pending requests must survive collections.
            UserTokenClient client = NewClient();
            var tasks = new List<Task<IssueResponse>>();
            for (int i = 0; i < 50; i++)
            {
                tasks.Add(IssueOwnerAsync(client, CancellationToken.None));
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
            Assert.IsTrue(Task.WaitAll(tasks.ToArray(), TimeSpan.FromSeconds(10)));
        }

        [Test]
        public void PendingRequestKeepsAnUnreferencedClientAlive()
        {
            // Nothing but the pending request refers to the client; were it finalized, the
            // library would cancel the request.
            Emulator.AddFault("{\"kind\":\"delay\",\"delay_ms\":300}");
            Task<IssueResponse> task = StartWithAbandonedClient();
            for (int i = 0; i < 5; i++)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                Thread.Sleep(20);
            }
            Assert.IsNotNull(Await(task).AccessToken);
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private Task<IssueResponse> StartWithAbandonedClient()
        {
            return IssueOwnerAsync(new UserTokenClient(Options()), CancellationToken.None);
        }

        private Task<IssueResponse> IssueOwnerAsync(UserTokenClient client, CancellationToken cancellation)
        {
            return client.IssueAsync(Emulator.Version, Emulator.SiteId, Emulator.OwnerUsername, Emulator.OwnerPassword,
                cancellation);
        }
    }
}
