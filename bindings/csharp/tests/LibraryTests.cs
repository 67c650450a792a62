using System;
using NUnit.Framework;
using UserToken;

namespace UserToken.Tests
{
    [TestFixture]
    public class LibraryTests
    {
        [Test]
        public void LibraryVersionIsDotted()
        {
            string version = UserTokenClient.LibraryVersion;
            StringAssert.IsMatch(@"^\d+\.\d+\.\d+", version);
        }

        [Test]
        public void LoadedLibraryHasTheBindingsAbi()
        {
            Assert.AreEqual(Native.AbiVersion, Native.ut_abi_version());
            Assert.DoesNotThrow(LibraryCheck.Verify);
        }

        // The enum's values are the library's fixed codes: each one must carry the library's name.
        [TestCase(UserTokenResult.Ok, "UT_OK")]
        [TestCase(UserTokenResult.NullArgument, "UT_NULL_ARGUMENT")]
        [TestCase(UserTokenResult.InvalidArgument, "UT_INVALID_ARGUMENT")]
        [TestCase(UserTokenResult.InvalidConfig, "UT_INVALID_CONFIG")]
        [TestCase(UserTokenResult.Connect, "UT_CONNECT")]
        [TestCase(UserTokenResult.Timeout, "UT_TIMEOUT")]
        [TestCase(UserTokenResult.Denied, "UT_DENIED")]
        [TestCase(UserTokenResult.RateLimited, "UT_RATE_LIMITED")]
        [TestCase(UserTokenResult.ServerError, "UT_SERVER_ERROR")]
        [TestCase(UserTokenResult.HttpError, "UT_HTTP_ERROR")]
        [TestCase(UserTokenResult.Decode, "UT_DECODE")]
        [TestCase(UserTokenResult.Cancelled, "UT_CANCELLED")]
        [TestCase(UserTokenResult.NotFound, "UT_NOT_FOUND")]
        [TestCase(UserTokenResult.Panic, "UT_PANIC")]
        public void ResultValuesMatchTheLibrarysNames(UserTokenResult result, string name)
        {
            Assert.AreEqual(name, new UserTokenException(result, "m", null, null, 0).ResultName);
        }

        [Test]
        public void UnknownResultValueIsNamedUnknown()
        {
            Assert.AreEqual("UT_UNKNOWN", new UserTokenException((UserTokenResult)9999, "m", null, null, 0).ResultName);
        }

        [Test]
        public void CancellingAnUnknownRequestIsNotFound()
        {
            // What the binding's cancellation relies on when a request has already finished.
            Assert.AreEqual((uint)UserTokenResult.NotFound, Native.ut_cancel(ulong.MaxValue));
        }
    }
}
