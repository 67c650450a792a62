using System.Net;
using System.Net.Sockets;
using NUnit.Framework;
using UserToken;

namespace UserToken.Tests
{
    /// <summary>Each way a request can fail on the wire, with the emulator's faults.</summary>
    [TestFixture]
    public class FailureTests : EmulatorTest
    {
        [Test]
        public void TooManyRequestsAfterRetriesIsRateLimited()
        {
            Emulator.AddFault("{\"kind\":\"status\",\"status\":429,\"count\":3}");
            UserTokenOptions options = Options();
            options.MaxRetries = 2;
            UserTokenException e = Throws(() => IssueOwner(NewClient(options)));
            Assert.AreEqual(UserTokenResult.RateLimited, e.Result);
            Assert.AreEqual(429, e.HttpStatus);
            Assert.AreEqual(3, e.Attempts);
            Assert.AreEqual(3L, Emulator.Count("issue"));
        }

        [Test]
        public void UnavailableAfterRetriesIsServerError()
        {
            Emulator.AddFault("{\"kind\":\"status\",\"status\":503,\"count\":2}");
            UserTokenOptions options = Options();
            options.MaxRetries = 1;
            UserTokenException e = Throws(() => IssueOwner(NewClient(options)));
            Assert.AreEqual(UserTokenResult.ServerError, e.Result);
            Assert.AreEqual(503, e.HttpStatus);
            Assert.AreEqual(2, e.Attempts);
        }

        [Test]
        public void RetriedFailureThatRecoversSucceeds()
        {
            Emulator.AddFault("{\"kind\":\"status\",\"status\":503,\"count\":2}");
            UserTokenOptions options = Options();
            options.MaxRetries = 2;
            Assert.IsNotNull(IssueOwner(NewClient(options)).AccessToken);
            Assert.AreEqual(3L, Emulator.Count("issue"));
        }

        [Test]
        public void NotFoundIsAnHttpErrorWithoutRetries()
        {
            Emulator.AddFault("{\"kind\":\"status\",\"status\":404,\"count\":5,"
                + "\"body\":\"{\\\"Error\\\":{\\\"Message\\\":\\\"No such thing\\\",\\\"Code\\\":\\\"NotFound\\\"}}\"}");
            UserTokenException e = Throws(() => IssueOwner(NewClient()));
            Assert.AreEqual(UserTokenResult.HttpError, e.Result);
            Assert.AreEqual(404, e.HttpStatus);
            Assert.AreEqual("NotFound", e.ApiCode);
            Assert.AreEqual(1, e.Attempts);
        }

        [Test]
        public void NonJsonSuccessIsDecode()
        {
            Emulator.AddFault("{\"kind\":\"status\",\"status\":200,\"body\":\"<html>maintenance</html>\",\"content_type\":\"text/html\"}");
            UserTokenException e = Throws(() => IssueOwner(NewClient()));
            Assert.AreEqual(UserTokenResult.Decode, e.Result);
            Assert.AreEqual(1, e.Attempts);
        }

        [Test]
        public void OversizedAnswerIsDecode()
        {
            Emulator.AddFault("{\"kind\":\"oversized\",\"body_bytes\":4097}");
            UserTokenOptions options = Options();
            options.MaxResponseBytes = 4096;
            Assert.AreEqual(UserTokenResult.Decode, Throws(() => IssueOwner(NewClient(options))).Result);
        }

        [Test]
        public void HangingServerIsTimeout()
        {
            Emulator.AddFault("{\"kind\":\"hang\",\"count\":2}");
            UserTokenOptions options = Options();
            options.TimeoutMs = 200;
            options.MaxRetries = 1;
            UserTokenException e = Throws(() => IssueOwner(NewClient(options)));
            Assert.AreEqual(UserTokenResult.Timeout, e.Result);
            Assert.IsNull(e.HttpStatus);
            Assert.AreEqual(2, e.Attempts);
        }

        [Test]
        public void DroppedConnectionIsConnect()
        {
            Emulator.AddFault("{\"kind\":\"drop\"}");
            UserTokenOptions options = Options();
            options.MaxRetries = 0;
            Assert.AreEqual(UserTokenResult.Connect, Throws(() => IssueOwner(NewClient(options))).Result);
        }

        [Test]
        public void ClosedPortIsConnect()
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            int port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            UserTokenOptions options = Options();
            options.BaseUrl = "http://127.0.0.1:" + port;
            options.MaxRetries = 1;
            UserTokenException e = Throws(() => IssueOwner(NewClient(options)));
            Assert.AreEqual(UserTokenResult.Connect, e.Result);
            Assert.IsNull(e.HttpStatus);
            Assert.AreEqual(2, e.Attempts);
        }
    }
}
