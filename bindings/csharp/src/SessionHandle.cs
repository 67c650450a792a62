using Microsoft.Win32.SafeHandles;

namespace UserToken
{
    /// <summary>
    /// Owns one <c>ut_session</c>; reference-counted by each call like <see cref="ClientHandle"/>,
    /// so a session is never freed while <c>ut_session_token</c> is running on another thread.
    /// </summary>
    internal sealed class SessionHandle : SafeHandleZeroOrMinusOneIsInvalid
    {
        // Created by the marshaller for the `out` parameter of ut_session_new.
        public SessionHandle()
            : base(true)
        {
        }

        protected override bool ReleaseHandle()
        {
            // Sends nothing; zeroes the credentials and token inside the library.
            Native.ut_session_free(handle);
            return true;
        }
    }
}
