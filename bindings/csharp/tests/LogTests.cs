using System;
using System.Collections.Generic;
using System.Linq;
using NUnit.Framework;
using UserToken;

namespace UserToken.Tests
{
    [TestFixture]
    public class LogTests : EmulatorTest
    {
        private readonly List<UserTokenLogEventArgs> lines = new List<UserTokenLogEventArgs>();

        [SetUp]
        public void Listen()
        {
            lock (lines)
            {
                lines.Clear();
            }
            UserTokenLog.Level = UserTokenLogLevel.Trace;
            UserTokenLog.Line += Record;
        }

        [TearDown]
        public void StopListening()
        {
            UserTokenLog.Line -= Record;
            UserTokenLog.Level = UserTokenLogLevel.Info;
        }

        [Test]
        public void LinesArriveWithoutSecrets()
        {
            UserTokenClient client = NewClient();
            IssueResponse issued = IssueOwner(client);
            client.Renew(Emulator.Version, Emulator.SiteId, "Bearer " + issued.AccessToken);
            Emulator.AddFault("{\"kind\":\"status\",\"status\":503}");
            Throws(() => client.Issue(Emulator.Version, Emulator.SiteId, Emulator.OwnerUsername, "wrong-secret-pw"));

            List<UserTokenLogEventArgs> seen = Snapshot();
            Assert.IsTrue(seen.Any(l => l.Level == UserTokenLogLevel.Info), "an info line per success");
            Assert.IsTrue(seen.Any(l => l.Level == UserTokenLogLevel.Debug), "a debug line per attempt");
            Assert.IsTrue(seen.Any(l => l.Level == UserTokenLogLevel.Warn), "a warn line per retry");
            Assert.IsTrue(seen.Any(l => l.Level == UserTokenLogLevel.Error), "an error line per failure");
            foreach (UserTokenLogEventArgs line in seen)
            {
                Assert.IsFalse(string.IsNullOrEmpty(line.Message));
                StringAssert.DoesNotContain(Emulator.OwnerPassword, line.Message);
                StringAssert.DoesNotContain("wrong-secret-pw", line.Message);
                StringAssert.DoesNotContain(issued.AccessToken, line.Message);
                StringAssert.DoesNotContain(Emulator.ApiKey, line.Message);
            }
        }

        [Test]
        public void LevelLimitsTheLines()
        {
            UserTokenLog.Level = UserTokenLogLevel.Error;
            IssueOwner(NewClient());
            Assert.AreEqual(0, Snapshot().Count);
            Throws(() => NewClient().Issue(Emulator.Version, Emulator.SiteId, Emulator.OwnerUsername, "wrong"));
            Assert.IsTrue(Snapshot().All(l => l.Level == UserTokenLogLevel.Error));
            Assert.AreEqual(1, Snapshot().Count);
        }

        [Test]
        public void NoLinesAfterTheLastHandlerIsRemoved()
        {
            UserTokenLog.Line -= Record;
            IssueOwner(NewClient());
            UserTokenLog.Line += Record;
            Assert.AreEqual(0, Snapshot().Count);
        }

        [Test]
        public void AThrowingHandlerDoesNotReachTheLibrary()
        {
            EventHandler<UserTokenLogEventArgs> throwing = (sender, e) => { throw new InvalidOperationException("handler"); };
            UserTokenLog.Line += throwing;
            try
            {
                Assert.IsNotNull(IssueOwner(NewClient()).AccessToken);
            }
            finally
            {
                UserTokenLog.Line -= throwing;
            }
            Assert.Greater(Snapshot().Count, 0);
        }

        [Test]
        public void LevelTheLibraryRejectsThrows()
        {
            UserTokenException e = Throws(() => UserTokenLog.Level = (UserTokenLogLevel)9);
            Assert.AreEqual(UserTokenResult.InvalidArgument, e.Result);
            Assert.AreEqual(UserTokenLogLevel.Trace, UserTokenLog.Level);
        }

        private void Record(object sender, UserTokenLogEventArgs line)
        {
            lock (lines)
            {
                lines.Add(line);
            }
        }

        private List<UserTokenLogEventArgs> Snapshot()
        {
            lock (lines)
            {
                return new List<UserTokenLogEventArgs>(lines);
            }
        }
    }
}
