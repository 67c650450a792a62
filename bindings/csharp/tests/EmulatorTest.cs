using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using NUnit.Framework;
using UserToken;

// TestFixtureSetUp/TestFixtureTearDown are the one-time hooks that NUnit 2.6 knows; NUnit 3
// still runs them (as OneTimeSetUp/OneTimeTearDown) but marks them obsolete.
#pragma warning disable 618

namespace UserToken.Tests
{
    /// <summary>
    /// A fixture against one emulator: started once, reset before each test, killed at the end;
    /// every client a test makes with <see cref="NewClient"/> is disposed after it.
    /// </summary>
    public abstract class EmulatorTest
    {
        private readonly List<IDisposable> owned = new List<IDisposable>();

        protected Emulator Emulator { get; private set; }

        [TestFixtureSetUp]
        public void StartEmulator()
        {
            Emulator = Emulator.Start();
        }

        [TestFixtureTearDown]
        public void StopEmulator()
        {
            if (Emulator != null)
            {
                Emulator.Dispose();
            }
        }

        [SetUp]
        public void ResetEmulator()
        {
            Emulator.Reset();
        }

        [TearDown]
        public void DisposeClients()
        {
            foreach (IDisposable disposable in owned)
            {
                disposable.Dispose();
            }
            owned.Clear();
        }

        /// <summary>Options for the emulator, with retries fast enough for tests.</summary>
        protected UserTokenOptions Options()
        {
            return new UserTokenOptions
            {
                BaseUrl = Emulator.Url,
                ApiKey = Emulator.ApiKey,
                RetryBaseMs = 1,
                RetryMaxMs = 20,
            };
        }

        protected UserTokenClient NewClient()
        {
            return NewClient(Options());
        }

        protected UserTokenClient NewClient(UserTokenOptions options)
        {
            return Own(new UserTokenClient(options));
        }

        protected T Own<T>(T disposable) where T : IDisposable
        {
            owned.Add(disposable);
            return disposable;
        }

        /// <summary>Waits up to 10 s for the task to end, however it ends.</summary>
        protected static void Settle(Task task)
        {
            try
            {
                task.Wait(TimeSpan.FromSeconds(10));
            }
            catch (AggregateException)
            {
                // The caller looks at how it ended.
            }
            Assert.IsTrue(task.IsCompleted, "the task did not complete within 10 s");
        }

        /// <summary>The task's result, or the exception it ended with (not wrapped).</summary>
        protected static T Await<T>(Task<T> task)
        {
            Settle(task);
            return task.GetAwaiter().GetResult();
        }

        /// <summary>The exception of a task that must fail.</summary>
        protected static Exception Failure(Task task)
        {
            Settle(task);
            Assert.IsTrue(task.IsFaulted, "the task was expected to fail, but it ended " + task.Status);
            return task.Exception.InnerException;
        }

        protected static UserTokenException Throws(TestDelegate call)
        {
            return Assert.Throws<UserTokenException>(call);
        }

        protected IssueResponse IssueOwner(UserTokenClient client)
        {
            return client.Issue(Emulator.Version, Emulator.SiteId, Emulator.OwnerUsername, Emulator.OwnerPassword);
        }
    }
}
