using System;
using System.Diagnostics;
using NUnit.Framework;
using UserToken;

namespace MyApp.Tests
{
    /// <summary>Runs ut-emulator on a free port for every test in this namespace.</summary>
    [SetUpFixture]
    public class UtEmulatorSetUp
    {
        private static Process emulator;

        /// <summary>The emulator's base URL, e.g. http://127.0.0.1:40123.</summary>
        public static string Url { get; private set; }

        [OneTimeSetUp]
        public void StartEmulator()
        {
            string binary = Environment.GetEnvironmentVariable("UT_EMULATOR") ?? "ut-emulator";
            var start = new ProcessStartInfo(binary, "--bind 127.0.0.1:0")
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
            };
            emulator = Process.Start(start);
            string line = emulator.StandardOutput.ReadLine(); // listening on http://127.0.0.1:PORT
            if (line == null || !line.StartsWith("listening on "))
            {
                StopEmulator();
                throw new InvalidOperationException("ut-emulator did not start; it said: " + line);
            }
            Url = line.Substring("listening on ".Length);
        }

        [OneTimeTearDown]
        public void StopEmulator()
        {
            if (emulator == null)
            {
                return;
            }
            if (!emulator.HasExited)
            {
                emulator.Kill();
            }
            emulator.WaitForExit();
            emulator.Dispose();
            emulator = null;
        }
    }

    [TestFixture]
    public class LoginTests
    {
        [Test]
        public void AStaffMemberLogsIn()
        {
            var options = new UserTokenOptions { BaseUrl = UtEmulatorSetUp.Url, ApiKey = "test-api-key" };
            using (var client = new UserTokenClient(options))
            {
                IssueResponse token = client.Issue("6", "-99", "jdoe", "s3cret!");
                Assert.AreEqual("Staff", token.User.Type);
                var denied = Assert.Throws<UserTokenException>(() => client.Issue("6", "-99", "jdoe", "wrong password"));
                Assert.AreEqual(UserTokenResult.Denied, denied.Result);
            }
        }
    }
}
