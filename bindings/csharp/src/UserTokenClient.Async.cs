using System;
using System.Threading;
using System.Threading.Tasks;

namespace UserToken
{
    /// <summary>
    /// The task-based calls, on the library's own async requests: no thread is blocked while a
    /// request is in flight. A task ends as the blocking call would (the same result, the same
    /// exception); cancelling <c>cancellation</c> cancels the request (ut_cancel) and ends the
    /// task as Canceled; disposing the client ends it with a <see cref="UserTokenException"/>
    /// whose result is <see cref="UserTokenResult.Cancelled"/>. Continuations never run on
    /// the library's threads.
    /// </summary>
    public sealed partial class UserTokenClient
    {
        /// <summary>The task-based <see cref="Issue"/>.</summary>
        /// <param name="version">The API version, e.g. <c>"6"</c>: 1–16 characters of <c>[A-Za-z0-9._-]</c>.</param>
        /// <param name="siteId">The business's site id, e.g. <c>"-99"</c> (the API's public sandbox): an
        /// integer of 1–18 digits with an optional leading <c>-</c>.</param>
        /// <param name="username">The staff member's login name: 1–4096 bytes of UTF-8.</param>
        /// <param name="password">Their password: 1–4096 bytes of UTF-8. Never logged; the binding
        /// zeroes its native copy once the library has its own.</param>
        /// <param name="cancellation">Cancels the request in the library (<c>ut_cancel</c>); the task
        /// then ends as Canceled.</param>
        /// <returns>The issued token, once the library has it; the task faults with a <see cref="UserTokenException"/> where the blocking call would throw
        /// it (an argument the library rejects included), and faults with one whose result is
        /// <see cref="UserTokenResult.Cancelled"/> when the client is disposed first.</returns>
        /// <exception cref="ArgumentException">A string holds U+0000 or an unpaired surrogate, which
        /// a C string cannot carry; nothing was started.</exception>
        /// <exception cref="ObjectDisposedException">The client was disposed.</exception>
        public Task<IssueResponse> IssueAsync(string version, string siteId, string username, string password,
            CancellationToken cancellation = default(CancellationToken))
        {
            ClientHandle client = Handle;
            byte[] nativeVersion = Utf8.ToNative(version, "version");
            byte[] nativeSiteId = Utf8.ToNative(siteId, "siteId");
            byte[] nativeUsername = Utf8.ToNative(username, "username");
            byte[] nativePassword = Utf8.ToNative(password, "password");
            try
            {
                // The library copies its arguments before ut_issue_async returns.
                return AsyncCall.Start(this, "ut_issue_async",
                    (Native.Callback callback, IntPtr userData, out ulong requestId) =>
                        Native.ut_issue_async(client, nativeVersion, nativeSiteId, nativeUsername, nativePassword,
                            callback, userData, out requestId),
                    json => new IssueResponse(json), cancellation);
            }
            finally
            {
                NativeCall.Wipe(nativePassword);
            }
        }

        /// <summary>The task-based <see cref="Renew"/>.</summary>
        /// <param name="version">The API version, e.g. <c>"6"</c>: 1–16 characters of <c>[A-Za-z0-9._-]</c>.</param>
        /// <param name="siteId">The business's site id, e.g. <c>"-99"</c> (the API's public sandbox): an
        /// integer of 1–18 digits with an optional leading <c>-</c>.</param>
        /// <param name="authorization">The token, sent as the <c>Authorization</c> header exactly as
        /// given: the bare <see cref="IssueResponse.AccessToken"/> or <c>"Bearer " + AccessToken</c>;
        /// 1–8192 printable ASCII characters.</param>
        /// <param name="cancellation">Cancels the request in the library (<c>ut_cancel</c>); the task
        /// then ends as Canceled.</param>
        /// <returns>The answer, read as an <see cref="IssueResponse"/> (see <see cref="Renew"/>); the task faults with a <see cref="UserTokenException"/> where the blocking call would throw
        /// it (an argument the library rejects included), and faults with one whose result is
        /// <see cref="UserTokenResult.Cancelled"/> when the client is disposed first.</returns>
        /// <exception cref="ArgumentException">A string holds U+0000 or an unpaired surrogate, which
        /// a C string cannot carry; nothing was started.</exception>
        /// <exception cref="ObjectDisposedException">The client was disposed.</exception>
        public Task<IssueResponse> RenewAsync(string version, string siteId, string authorization,
            CancellationToken cancellation = default(CancellationToken))
        {
            return StartWithAuthorization("ut_renew_async", version, siteId, authorization, Native.ut_renew_async,
                json => new IssueResponse(json), cancellation);
        }

        /// <summary>The task-based <see cref="Revoke"/>.</summary>
        /// <param name="version">The API version, e.g. <c>"6"</c>: 1–16 characters of <c>[A-Za-z0-9._-]</c>.</param>
        /// <param name="siteId">The business's site id, e.g. <c>"-99"</c> (the API's public sandbox): an
        /// integer of 1–18 digits with an optional leading <c>-</c>.</param>
        /// <param name="authorization">The token, sent as the <c>Authorization</c> header exactly as
        /// given: the bare <see cref="IssueResponse.AccessToken"/> or <c>"Bearer " + AccessToken</c>;
        /// 1–8192 printable ASCII characters.</param>
        /// <param name="cancellation">Cancels the request in the library (<c>ut_cancel</c>); the task
        /// then ends as Canceled.</param>
        /// <returns>The answer's JSON, usually <c>{}</c>; the task faults with a <see cref="UserTokenException"/> where the blocking call would throw
        /// it (an argument the library rejects included), and faults with one whose result is
        /// <see cref="UserTokenResult.Cancelled"/> when the client is disposed first.</returns>
        /// <exception cref="ArgumentException">A string holds U+0000 or an unpaired surrogate, which
        /// a C string cannot carry; nothing was started.</exception>
        /// <exception cref="ObjectDisposedException">The client was disposed.</exception>
        public Task<string> RevokeAsync(string version, string siteId, string authorization,
            CancellationToken cancellation = default(CancellationToken))
        {
            return StartWithAuthorization("ut_revoke_async", version, siteId, authorization, Native.ut_revoke_async,
                json => json, cancellation);
        }

        private delegate uint AuthorizedStart(ClientHandle client, byte[] version, byte[] siteId,
            byte[] authorization, Native.Callback callback, IntPtr userData, out ulong requestId);

        private Task<T> StartWithAuthorization<T>(string function, string version, string siteId,
            string authorization, AuthorizedStart start, Func<string, T> read, CancellationToken cancellation)
        {
            ClientHandle client = Handle;
            byte[] nativeVersion = Utf8.ToNative(version, "version");
            byte[] nativeSiteId = Utf8.ToNative(siteId, "siteId");
            byte[] nativeAuthorization = Utf8.ToNative(authorization, "authorization");
            try
            {
                return AsyncCall.Start(this, function,
                    (Native.Callback callback, IntPtr userData, out ulong requestId) =>
                        start(client, nativeVersion, nativeSiteId, nativeAuthorization, callback, userData,
                            out requestId),
                    read, cancellation);
            }
            finally
            {
                NativeCall.Wipe(nativeAuthorization);
            }
        }
    }
}
