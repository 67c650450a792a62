using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using NUnit.Framework;
using UserToken;

namespace UserToken.Tests
{
    [TestFixture]
    public class DisposeTests : EmulatorTest
    {
        [Test]
        public void DisposeEndsPendingTasksAtOnce()
        {
            Emulator.AddFault("{\"kind\":\"hang\",\"count\":4}");
            var client = new UserTokenClient(Options());
            var tasks = new List<Task>
            {
                client.IssueAsync(Emulator.Version, Emulator.SiteId, Emulator.OwnerUsername, Emulator.OwnerPassword),
                client.IssueAsync(Emulator.Version, Emulator.SiteId, Emulator.StaffUsername, Emulator.StaffPassword),
                client.RenewAsync(Emulator.Version, Emulator.SiteId, "some-token"),
                client.RevokeAsync(Emulator.Version, Emulator.SiteId, "some-token"),
            };
            WaitForRequests(4);
            foreach (Task task in tasks)
            {
                Assert.IsFalse(task.IsCompleted);
            }

            Stopwatch watch = Stopwatch.StartNew();
            client.Dispose();
            Assert.LessOrEqual(watch.ElapsedMilliseconds, 1000, "Dispose took too long");

            foreach (Task task in tasks)
            {
                var e = (UserTokenException)Failure(task);
                Assert.AreEqual(UserTokenResult.Cancelled, e.Result);
            }
            Assert.Less(watch.ElapsedMilliseconds, 2000);
        }

        [Test]
        public void DisposeWithATokenRegisteredStillEndsTheTask()
        {
            Emulator.AddFault("{\"kind\":\"hang\"}");
            var client = new UserTokenClient(Options());
            using (var cancellation = new CancellationTokenSource())
            {
                Task<IssueResponse> task = client.IssueAsync(Emulator.Version, Emulator.SiteId,
                    Emulator.OwnerUsername, Emulator.OwnerPassword, cancellation.Token);
                WaitForRequests(1);
                client.Dispose();
                var e = (UserTokenException)Failure(task);
                Assert.AreEqual(UserTokenResult.Cancelled, e.Result);
                // Cancelling afterwards reaches a request that no longer exists: nothing happens.
                cancellation.Cancel();
            }
        }

        [Test]
        public void DisposeDuringABlockingCallLetsItFinish()
        {
            // The SafeHandle is held by the call in flight, so the library's client is freed
            // only when that call returns, not under it.
            Emulator.AddFault("{\"kind\":\"hang\"}");
            UserTokenOptions options = Options();
            options.TimeoutMs = 500;
            options.MaxRetries = 0;
            var client = new UserTokenClient(options);
            UserTokenException error = null;
            var thread = new Thread(() =>
            {
                try
                {
                    IssueOwner(client);
                }
                catch (UserTokenException e)
                {
                    error = e;
                }
            });
            thread.Start();
            WaitForRequests(1);
            Stopwatch watch = Stopwatch.StartNew();
            client.Dispose();
            Assert.Less(watch.ElapsedMilliseconds, 250, "Dispose waited for the call");
            Assert.IsTrue(thread.Join(TimeSpan.FromSeconds(5)));
            Assert.IsNotNull(error);
            Assert.AreEqual(UserTokenResult.Timeout, error.Result);
            Assert.Throws<ObjectDisposedException>(() => IssueOwner(client));
        }

        [Test]
        public void DisposeFromAContinuation()
        {
            var client = new UserTokenClient(Options());
            Task disposed = client.IssueAsync(Emulator.Version, Emulator.SiteId, Emulator.OwnerUsername,
                Emulator.OwnerPassword).ContinueWith(t => client.Dispose());
            Assert.IsTrue(disposed.Wait(TimeSpan.FromSeconds(10)));
            Assert.Throws<ObjectDisposedException>(() => IssueOwner(client));
        }

        private void WaitForRequests(long count)
        {
            Stopwatch watch = Stopwatch.StartNew();
            while (Emulator.Count("requests") < count)
            {
                Assert.Less(watch.ElapsedMilliseconds, 5000, "the requests did not reach the emulator");
                Thread.Sleep(10);
            }
        }
    }
}
