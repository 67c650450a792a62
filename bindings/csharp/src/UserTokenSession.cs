using System;

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

        /// <summary>Frees the session. Sends nothing: call <see cref="Revoke"/> first to end
        /// the token at the API. Calling it again does nothing. Never throws.</summary>
        public void Dispose()
        {
            handle.Dispose();
        }

        private SessionHandle Handle
        {
            get
            {
                if (handle.IsClosed)
                {
                    throw new ObjectDisposedException(typeof(UserTokenSession).FullName);
                }
                return handle;
            }
        }
    }
}
