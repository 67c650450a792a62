using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace UserToken
{
    /// <summary>
    /// Owns one <c>ut_client</c>. Being a <see cref="SafeHandle"/> it is reference-counted by
    /// every P/Invoke that takes it, so <c>ut_client_free</c> runs only after the last call in
    /// flight has returned, whether the release comes from Dispose or from the finalizer.
    /// NULL (never written on success) is the invalid value.
    /// </summary>
    internal sealed class ClientHandle : SafeHandleZeroOrMinusOneIsInvalid
    {
        // The marshaller creates the instance for the `out` parameter of ut_client_new; .NET
        // Framework requires this constructor to be public for that.
        public ClientHandle()
            : base(true)
        {
        }

        protected override bool ReleaseHandle()
        {
            // Completes the client's pending async requests with UT_CANCELLED on this thread
            // and returns within 1 s (library guarantee), so it is safe in a finalizer.
            Native.ut_client_free(handle);
            return true;
        }
    }
}
