using System;
using System.Threading;
using System.Threading.Tasks;

namespace UserToken
{
    /// <summary>
    /// A staff login whose token the library keeps valid: <see cref="GetToken"/> renews it when
    /// less than <see cref="UserTokenOptions.SessionRenewMarginS"/> of its life is left, and
    /// issues a new one after 7 renewals or when a renewal is denied. Concurrent callers share
    /// one refresh. Create it with <see cref="UserTokenClient.CreateSession"/>; the library
    /// holds the credentials and zeroes them on Dispose. Usable from any number of threads.
    /// </summary>
    public sealed class UserTokenSession : IDisposable
    {
        private readonly SessionHandle handle;

        // The session's calls fail with UT_CANCELLED once its client is freed, so the client
        // must not be finalized while the session is in use.
        private readonly UserTokenClient client;

        // Set by Dispose. The handle itself closes only when its last reference is released,
        // which a pending GetTokenAsync holds until the library has called back.
        private volatile bool disposed;

        internal UserTokenSession(UserTokenClient client, SessionHandle handle)
        {
            this.client = client;
            this.handle = handle;
        }

        /// <summary>A valid access token (the bare token), renewed or re-issued when needed.
        /// When a refresh fails while the current token is still unexpired, that token is
        /// returned.</summary>
        /// <returns>The bare access token, to send as the <c>Authorization</c> header.</returns>
        /// <exception cref="UserTokenException">No valid token could be had: the renewal and a new
        /// issue failed (<see cref="UserTokenException.Result"/> says how) and the current token has
        /// expired, or the session's client was disposed (<see cref="UserTokenResult.Cancelled"/>).</exception>
        /// <exception cref="ObjectDisposedException">The session was disposed.</exception>
        public string GetToken()
        {
            SessionHandle session = Handle;
            string token = NativeCall.Run((out IntPtr output) => Native.ut_session_token(session, out output));
            GC.KeepAlive(client);
            return token;
        }

        /// <summary>Revokes the current token; the next <see cref="GetToken"/> issues a new one.</summary>
        /// <returns>The answer's JSON (<c>{}</c> when there was no token to revoke).</returns>
        /// <exception cref="UserTokenException">The revoke failed (<see cref="UserTokenException.Result"/>
        /// says how), or the session's client was disposed (<see cref="UserTokenResult.Cancelled"/>).</exception>
        /// <exception cref="ObjectDisposedException">The session was disposed.</exception>
        public string Revoke()
        {
            SessionHandle session = Handle;
            string json = NativeCall.Run((out IntPtr output) => Native.ut_session_revoke(session, out output));
            GC.KeepAlive(client);
            return json;
        }

        /// <summary>
        /// The task-based <see cref="GetToken"/>, on the library's own async request: no thread
        /// is blocked meanwhile. A token far from its renewal completes without any request;
        /// one that needs a refresh joins the refresh another caller (blocking or async)
        /// already runs, or runs it on the library's threads. Continuations never run on the
        /// library's threads.
        /// </summary>
        /// <remarks>
        /// The pending request keeps the session (and its client) alive; disposing the session
        /// meanwhile frees it only once the request has completed. Disposing the client ends
        /// the task with a <see cref="UserTokenException"/> whose result is
        /// <see cref="UserTokenResult.Cancelled"/>.
        /// </remarks>
        /// <param name="cancellation">Cancels the request in the library (<c>ut_cancel</c>) and
        /// ends the task as Canceled; a refresh it started goes on for the session's next
        /// callers. Already cancelled, nothing is started.</param>
        /// <returns>A task for the bare access token. It faults with a
        /// <see cref="UserTokenException"/> when no valid token could be had (a refresh failed
        /// and the current token has expired), as <see cref="GetToken"/> throws; with
        /// <see cref="UserTokenResult.Cancelled"/> when the client was disposed.</returns>
        /// <exception cref="ObjectDisposedException">The session was disposed.</exception>
        public Task<string> GetTokenAsync(CancellationToken cancellation = default(CancellationToken))
        {
            SessionHandle session = Handle;
            if (client.IsDisposed)
            {
                // As GetToken does. (The library refuses the request then, with neither a
                // callback nor a document that would say why.)
                var refused = new TaskCompletionSource<string>();
                refused.SetException(new UserTokenException(UserTokenResult.Cancelled,
                    "the session's client was disposed", null, null, 0));
                return refused.Task;
            }
            // Held until the library has called back: the session must outlive the request,
            // even when this object is disposed meanwhile (the free then waits for it).
            bool added = false;
            session.DangerousAddRef(ref added);
            Task<string> task;
            try
            {
                task = AsyncCall.Start(this, "ut_session_token_async",
                    (Native.Callback callback, IntPtr userData, out ulong requestId) =>
                        Native.ut_session_token_async(session, callback, userData, out requestId),
                    json => json, cancellation);
            }
            catch
            {
                session.DangerousRelease();
                throw;
            }
            // The task ends in the library's callback (or at once when nothing was started);
            // its continuations run after that, on the thread pool.
            task.ContinueWith(_ => session.DangerousRelease(), CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            return task;
        }

        /// <summary>
        /// Forgets the current token without sending anything. Call it when an API call made
        /// with the token was refused (HTTP 401: the sandbox's nightly reset, a migration): the
        /// next <see cref="GetToken"/> issues a new one, a single issue however many threads
        /// ask at once. The refused token is not revoked.
        /// </summary>
        /// <exception cref="ObjectDisposedException">The session was disposed.</exception>
        public void Invalidate()
        {
            uint result = Native.ut_session_invalidate(Handle);
            GC.KeepAlive(client);
            if (result != (uint)UserTokenResult.Ok)
            {
                throw UserTokenException.FromCode(result, "ut_session_invalidate failed");
            }
        }

        /// <summary>
        /// The session's state as JSON, for <see cref="UserTokenClient.RestoreSession"/> in
        /// another process (or later in this one), which then goes on with the same token
        /// instead of issuing its own. It holds the token, its expiry, the renewals used, the
        /// version, site id and username; never the password. After <see cref="Revoke"/> or
        /// <see cref="Invalidate"/> the session first issues a new token, so the state is
        /// always usable.
        /// </summary>
        /// <remarks>
        /// <b>The state holds a live bearer token: it is a secret.</b> Store it where only its
        /// owner can read it (a file only its owner can read, a secrets store) and never log
        /// it. A .NET string cannot be wiped: drop it as soon as it is stored.
        /// </remarks>
        /// <returns>The state, a JSON object.</returns>
        /// <exception cref="UserTokenException">The issue that a revoked or invalidated session
        /// needs first failed; see its <see cref="UserTokenException.Result"/>.</exception>
        /// <exception cref="ObjectDisposedException">The session was disposed.</exception>
        public string Export()
        {
            SessionHandle session = Handle;
            string state = NativeCall.Run((out IntPtr output) => Native.ut_session_export(session, out output));
            GC.KeepAlive(client);
            return state;
        }

        /// <summary>Frees the session. Sends nothing: call <see cref="Revoke"/> first to end
        /// the token at the API. Calling it again does nothing. Never throws.</summary>
        public void Dispose()
        {
            disposed = true;
            handle.Dispose();
        }

        private SessionHandle Handle
        {
            get
            {
                if (disposed || handle.IsClosed)
                {
                    throw new ObjectDisposedException(typeof(UserTokenSession).FullName);
                }
                return handle;
            }
        }
    }
}
