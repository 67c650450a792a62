using System;
using System.Runtime.InteropServices;

namespace UserToken
{
    /// <summary>
    /// Every export of libusertoken, declared once. Conventions, each chosen to avoid a known
    /// P/Invoke trap:
    /// <list type="bullet">
    /// <item>Strings going in are NUL-terminated UTF-8 <c>byte[]</c> (see <see cref="Utf8"/>);
    /// the default marshalling would pick ANSI on some platforms.</item>
    /// <item>Strings the library allocates come back as <c>IntPtr</c> and are freed with
    /// <see cref="ut_free_string"/>: declared as <c>string</c>, .NET would free them with its
    /// own allocator.</item>
    /// <item>Static strings (<see cref="ut_version"/>, <see cref="ut_result_name"/>) are
    /// <c>IntPtr</c> too, so the marshaller never tries to free them.</item>
    /// <item>Handles are <see cref="SafeHandle"/>s in the signatures, so the marshaller holds a
    /// reference for the duration of each call and a finalizer or a Dispose on another thread
    /// can never free a handle that a call is still using.</item>
    /// <item>No <c>bool</c> anywhere (a .NET <c>bool</c> is marshalled as 4 bytes).</item>
    /// </list>
    /// </summary>
    internal static class Native
    {
        private const string Library = "usertoken";

        /// <summary>The ABI version this binding was written against (UT_ABI_VERSION).</summary>
        internal const uint AbiVersion = 1;

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        internal delegate void Callback(IntPtr userData, uint result, IntPtr json);

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        internal delegate void LogCallback(IntPtr userData, uint level, IntPtr message);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern IntPtr ut_version();

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern uint ut_abi_version();

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern IntPtr ut_result_name(uint result);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern uint ut_client_new(byte[] configJson, out ClientHandle client, out IntPtr error);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void ut_client_free(IntPtr client);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern uint ut_issue(ClientHandle client, byte[] version, byte[] siteId,
            byte[] username, byte[] password, out IntPtr json);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern uint ut_renew(ClientHandle client, byte[] version, byte[] siteId,
            byte[] authorization, out IntPtr json);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern uint ut_revoke(ClientHandle client, byte[] version, byte[] siteId,
            byte[] authorization, out IntPtr json);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void ut_free_string(IntPtr s);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern uint ut_issue_async(ClientHandle client, byte[] version, byte[] siteId,
            byte[] username, byte[] password, Callback callback, IntPtr userData, out ulong requestId);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern uint ut_renew_async(ClientHandle client, byte[] version, byte[] siteId,
            byte[] authorization, Callback callback, IntPtr userData, out ulong requestId);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern uint ut_revoke_async(ClientHandle client, byte[] version, byte[] siteId,
            byte[] authorization, Callback callback, IntPtr userData, out ulong requestId);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern uint ut_cancel(ulong requestId);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern uint ut_session_new(ClientHandle client, byte[] version, byte[] siteId,
            byte[] username, byte[] password, out SessionHandle session, out IntPtr error);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern uint ut_session_token(SessionHandle session, out IntPtr token);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern uint ut_session_token_async(SessionHandle session, Callback callback, IntPtr userData,
            out ulong requestId);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern uint ut_session_invalidate(SessionHandle session);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern uint ut_session_export(SessionHandle session, out IntPtr state);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern uint ut_session_restore(ClientHandle client, byte[] version, byte[] siteId,
            byte[] username, byte[] password, byte[] state, out SessionHandle session, out IntPtr error);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern uint ut_session_revoke(SessionHandle session, out IntPtr json);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void ut_session_free(IntPtr session);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern uint ut_client_stats(ClientHandle client, out IntPtr json);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern uint ut_set_log_callback(LogCallback callback, IntPtr userData, uint maxLevel);
    }
}
