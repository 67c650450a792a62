using System;

namespace UserToken
{
    /// <summary>
    /// A configured client of the Mindbody Public API's user token calls: its settings, its
    /// threads and its connection pool, inside libusertoken. One client may be used from any
    /// number of threads at once. Dispose it to stop its threads; requests still pending then
    /// end with <see cref="UserTokenResult.Cancelled"/>.
    /// </summary>
    /// <remarks>
    /// <c>version</c> is the API version (<c>"6"</c>), <c>siteId</c> the business's site id
    /// (<c>"-99"</c> is the sandbox), <c>authorization</c> the token sent as the
    /// <c>Authorization</c> header exactly as given: pass the bare token (the API documents no
    /// <c>Bearer</c> prefix; whether it accepts one is unknown).
    /// The library checks every argument: a null one fails with
    /// <see cref="UserTokenResult.NullArgument"/>, a malformed one with
    /// <see cref="UserTokenResult.InvalidArgument"/>, before anything is sent.
    /// </remarks>
    public sealed partial class UserTokenClient : IDisposable
    {
        private readonly ClientHandle handle;

        static UserTokenClient()
        {
            LibraryCheck.Verify();
        }

        /// <summary>A client with every default; the API key then comes from <c>MINDBODY_API_KEY</c>
        /// (and the base URL from <c>MINDBODY_BASE_URL</c>, else the real API).</summary>
        /// <exception cref="UserTokenException">The library refused the configuration
        /// (<see cref="UserTokenResult.InvalidConfig"/>), e.g. because <c>MINDBODY_API_KEY</c> is not set.</exception>
        /// <exception cref="TypeInitializationException">The first use of the binding found no
        /// libusertoken, or one of another ABI version; the inner <see cref="DllNotFoundException"/>
        /// says which.</exception>
        public UserTokenClient()
            : this((byte[])null)
        {
        }

        /// <summary>A client configured by <paramref name="options"/>.</summary>
        /// <param name="options">The settings; those left unset (and a null <paramref name="options"/>)
        /// keep the library's defaults and environment variables.</param>
        /// <exception cref="UserTokenException">The library rejected the options
        /// (<see cref="UserTokenResult.InvalidConfig"/>, naming the key), or no API key was given
        /// here or in <c>MINDBODY_API_KEY</c>.</exception>
        /// <exception cref="ArgumentException">A string option holds an unpaired surrogate, which
        /// has no UTF-8 form.</exception>
        /// <exception cref="TypeInitializationException">The first use of the binding found no
        /// libusertoken, or one of another ABI version; the inner <see cref="DllNotFoundException"/>
        /// says which.</exception>
        public UserTokenClient(UserTokenOptions options)
            : this(Utf8.ToNative(options == null ? null : options.ToJson(), "options"))
        {
        }

        private UserTokenClient(byte[] configJson)
        {
            ClientHandle created;
            try
            {
                created = NativeCall.Create((out ClientHandle h, out IntPtr error) =>
                    Native.ut_client_new(configJson, out h, out error));
            }
            finally
            {
                NativeCall.Wipe(configJson);
            }
            handle = created;
            LiveClients.Add(created);
        }

        /// <summary>A client configured by the library's configuration JSON as is.</summary>
        /// <param name="configJson">A JSON object of the library's configuration keys
        /// (<c>{"base_url": ..., "api_key": ...}</c>), or null for every default.</param>
        /// <returns>The new client; dispose it when done.</returns>
        /// <exception cref="UserTokenException">The library rejected the JSON
        /// (<see cref="UserTokenResult.InvalidConfig"/>: malformed, an unknown key, a bad value, or no
        /// API key anywhere).</exception>
        /// <exception cref="ArgumentException"><paramref name="configJson"/> holds U+0000 or an
        /// unpaired surrogate.</exception>
        /// <exception cref="TypeInitializationException">The first use of the binding found no
        /// libusertoken, or one of another ABI version; the inner <see cref="DllNotFoundException"/>
        /// says which.</exception>
        public static UserTokenClient FromConfigJson(string configJson)
        {
            return new UserTokenClient(Utf8.ToNative(configJson, "configJson"));
        }

        /// <summary>The library's version, e.g. <c>"1.0.0"</c>.</summary>
        /// <exception cref="TypeInitializationException">The first use of the binding found no
        /// libusertoken, or one of another ABI version; the inner <see cref="DllNotFoundException"/>
        /// says which.</exception>
        public static string LibraryVersion
        {
            get { return Utf8.Read(Native.ut_version()); }
        }

        /// <summary>Issues a staff user token (POST .../usertoken/issue).</summary>
        /// <param name="version">The API version, e.g. <c>"6"</c>: 1–16 characters of <c>[A-Za-z0-9._-]</c>.</param>
        /// <param name="siteId">The business's site id, e.g. <c>"-99"</c> (the API's public sandbox): an
        /// integer of 1–18 digits with an optional leading <c>-</c>.</param>
        /// <param name="username">The staff member's login name: 1–4096 bytes of UTF-8.</param>
        /// <param name="password">Their password: 1–4096 bytes of UTF-8. Never logged; the binding
        /// zeroes its native copy when the call returns.</param>
        /// <returns>The issued token, its expiry and its user.</returns>
        /// <exception cref="UserTokenException">The library reported a failure, named by
        /// <see cref="UserTokenException.Result"/>: <see cref="UserTokenResult.Denied"/> (HTTP 401/403),
        /// <see cref="UserTokenResult.NullArgument"/> or <see cref="UserTokenResult.InvalidArgument"/>
        /// (nothing was sent), or a connection, timeout, HTTP or decoding failure after the
        /// configured retries.</exception>
        /// <exception cref="ArgumentException">A string holds U+0000 or an unpaired surrogate, which
        /// a C string cannot carry; nothing was sent.</exception>
        /// <exception cref="ObjectDisposedException">The client was disposed.</exception>
        public IssueResponse Issue(string version, string siteId, string username, string password)
        {
            ClientHandle client = Handle;
            byte[] nativeVersion = Utf8.ToNative(version, "version");
            byte[] nativeSiteId = Utf8.ToNative(siteId, "siteId");
            byte[] nativeUsername = Utf8.ToNative(username, "username");
            byte[] nativePassword = Utf8.ToNative(password, "password");
            try
            {
                return new IssueResponse(NativeCall.Run((out IntPtr json) =>
                    Native.ut_issue(client, nativeVersion, nativeSiteId, nativeUsername, nativePassword, out json)));
            }
            finally
            {
                NativeCall.Wipe(nativePassword);
            }
        }

        /// <summary>Renews a token by 24 h from its current expiry, at most 7 times (POST .../usertoken/renew).
        /// The API does not document the answer; it is read as an <see cref="IssueResponse"/>.</summary>
        /// <param name="version">The API version, e.g. <c>"6"</c>: 1–16 characters of <c>[A-Za-z0-9._-]</c>.</param>
        /// <param name="siteId">The business's site id, e.g. <c>"-99"</c> (the API's public sandbox): an
        /// integer of 1–18 digits with an optional leading <c>-</c>.</param>
        /// <param name="authorization">The token, sent as the <c>Authorization</c> header exactly as
        /// given: the bare <see cref="IssueResponse.AccessToken"/> or <c>"Bearer " + AccessToken</c>;
        /// 1–8192 printable ASCII characters.</param>
        /// <returns>The answer: when its <see cref="IssueResponse.AccessToken"/> is set, that token
        /// replaces the renewed one; fields the answer lacks are null.</returns>
        /// <exception cref="UserTokenException">The library reported a failure, named by
        /// <see cref="UserTokenException.Result"/>: <see cref="UserTokenResult.Denied"/> (HTTP 401/403),
        /// <see cref="UserTokenResult.NullArgument"/> or <see cref="UserTokenResult.InvalidArgument"/>
        /// (nothing was sent), or a connection, timeout, HTTP or decoding failure after the
        /// configured retries.</exception>
        /// <exception cref="ArgumentException">A string holds U+0000 or an unpaired surrogate, which
        /// a C string cannot carry; nothing was sent.</exception>
        /// <exception cref="ObjectDisposedException">The client was disposed.</exception>
        public IssueResponse Renew(string version, string siteId, string authorization)
        {
            return new IssueResponse(WithAuthorization(version, siteId, authorization, Native.ut_renew));
        }

        /// <summary>Revokes a token (DELETE .../usertoken/revoke).</summary>
        /// <param name="version">The API version, e.g. <c>"6"</c>: 1–16 characters of <c>[A-Za-z0-9._-]</c>.</param>
        /// <param name="siteId">The business's site id, e.g. <c>"-99"</c> (the API's public sandbox): an
        /// integer of 1–18 digits with an optional leading <c>-</c>.</param>
        /// <param name="authorization">The token, sent as the <c>Authorization</c> header exactly as
        /// given: the bare <see cref="IssueResponse.AccessToken"/> or <c>"Bearer " + AccessToken</c>;
        /// 1–8192 printable ASCII characters.</param>
        /// <returns>The answer's JSON, usually <c>{}</c>.</returns>
        /// <exception cref="UserTokenException">The library reported a failure, named by
        /// <see cref="UserTokenException.Result"/>: <see cref="UserTokenResult.Denied"/> (HTTP 401/403),
        /// <see cref="UserTokenResult.NullArgument"/> or <see cref="UserTokenResult.InvalidArgument"/>
        /// (nothing was sent), or a connection, timeout, HTTP or decoding failure after the
        /// configured retries.</exception>
        /// <exception cref="ArgumentException">A string holds U+0000 or an unpaired surrogate, which
        /// a C string cannot carry; nothing was sent.</exception>
        /// <exception cref="ObjectDisposedException">The client was disposed.</exception>
        public string Revoke(string version, string siteId, string authorization)
        {
            return WithAuthorization(version, siteId, authorization, Native.ut_revoke);
        }

        /// <summary>
        /// Issues a token and keeps it valid: see <see cref="UserTokenSession"/>.
        /// </summary>
        /// <param name="version">The API version, e.g. <c>"6"</c>: 1–16 characters of <c>[A-Za-z0-9._-]</c>.</param>
        /// <param name="siteId">The business's site id, e.g. <c>"-99"</c> (the API's public sandbox): an
        /// integer of 1–18 digits with an optional leading <c>-</c>.</param>
        /// <param name="username">The staff member's login name: 1–4096 bytes of UTF-8.</param>
        /// <param name="password">Their password: 1–4096 bytes of UTF-8. Never logged; the binding
        /// zeroes its native copy when the call returns (the session keeps its own, zeroed on Dispose).</param>
        /// <returns>The session, holding its first token; dispose it when done.</returns>
        /// <exception cref="UserTokenException">The first issue failed, named by
        /// <see cref="UserTokenException.Result"/>: <see cref="UserTokenResult.Denied"/> (HTTP 401/403),
        /// <see cref="UserTokenResult.NullArgument"/> or <see cref="UserTokenResult.InvalidArgument"/>
        /// (nothing was sent), or a connection, timeout, HTTP or decoding failure after the
        /// configured retries.</exception>
        /// <exception cref="ArgumentException">A string holds U+0000 or an unpaired surrogate, which
        /// a C string cannot carry; nothing was sent.</exception>
        /// <exception cref="ObjectDisposedException">The client was disposed.</exception>
        public UserTokenSession CreateSession(string version, string siteId, string username, string password)
        {
            ClientHandle client = Handle;
            byte[] nativeVersion = Utf8.ToNative(version, "version");
            byte[] nativeSiteId = Utf8.ToNative(siteId, "siteId");
            byte[] nativeUsername = Utf8.ToNative(username, "username");
            byte[] nativePassword = Utf8.ToNative(password, "password");
            SessionHandle created;
            try
            {
                created = NativeCall.Create((out SessionHandle h, out IntPtr error) =>
                    Native.ut_session_new(client, nativeVersion, nativeSiteId, nativeUsername, nativePassword,
                        out h, out error));
            }
            finally
            {
                NativeCall.Wipe(nativePassword);
            }
            return new UserTokenSession(this, created);
        }

        /// <summary>
        /// A session that goes on from <paramref name="state"/>, what
        /// <see cref="UserTokenSession.Export"/> wrote (in this process or another), instead of
        /// logging in again. While the saved token is unexpired and was issued for this
        /// <paramref name="version"/>, <paramref name="siteId"/> and <paramref name="username"/>
        /// it is used as it is: nothing is sent (so the password is not checked then), and the
        /// renewals it has used still count. Otherwise (it expired, or the state is of another
        /// login) a new token is issued at once, as <see cref="CreateSession"/> does.
        /// </summary>
        /// <param name="version">The API version, <c>"6"</c>.</param>
        /// <param name="siteId">The business's site id (<c>"-99"</c> is the sandbox).</param>
        /// <param name="username">The staff member's username.</param>
        /// <param name="password">The staff member's password, for the issue when one is needed.</param>
        /// <param name="state">The session state; it holds a live token, so it is a secret.</param>
        /// <returns>The session; dispose it when done.</returns>
        /// <exception cref="UserTokenException"><see cref="UserTokenResult.InvalidArgument"/>
        /// naming <c>state</c> when it is not a session state (or longer than 64 KiB), or
        /// naming another malformed argument, with nothing sent; otherwise the failure of the
        /// issue that was needed (e.g. <see cref="UserTokenResult.Denied"/>).</exception>
        /// <exception cref="ArgumentException">A string holds U+0000 or an unpaired surrogate.</exception>
        /// <exception cref="ObjectDisposedException">The client was disposed.</exception>
        public UserTokenSession RestoreSession(string version, string siteId, string username, string password,
            string state)
        {
            ClientHandle client = Handle;
            byte[] nativeVersion = Utf8.ToNative(version, "version");
            byte[] nativeSiteId = Utf8.ToNative(siteId, "siteId");
            byte[] nativeUsername = Utf8.ToNative(username, "username");
            byte[] nativePassword = Utf8.ToNative(password, "password");
            byte[] nativeState = Utf8.ToNative(state, "state");
            SessionHandle created;
            try
            {
                created = NativeCall.Create((out SessionHandle h, out IntPtr error) =>
                    Native.ut_session_restore(client, nativeVersion, nativeSiteId, nativeUsername, nativePassword,
                        nativeState, out h, out error));
            }
            finally
            {
                NativeCall.Wipe(nativePassword);
                NativeCall.Wipe(nativeState);
            }
            return new UserTokenSession(this, created);
        }

        /// <summary>
        /// What this client has done since it was made, sessions' calls included: per call
        /// (issue, renew, revoke) the calls, the HTTP requests they sent (retries included:
        /// what the API counts against the site and key) and the failures by result name.
        /// Each read takes a new snapshot; it sends nothing. Calls in flight may or may not be
        /// counted yet.
        /// </summary>
        /// <value>A snapshot of the counts.</value>
        /// <exception cref="ObjectDisposedException">The client was disposed.</exception>
        public UserTokenStats Stats
        {
            get
            {
                ClientHandle client = Handle;
                return new UserTokenStats(NativeCall.Run((out IntPtr json) => Native.ut_client_stats(client, out json)));
            }
        }

        /// <summary>
        /// Frees the client. Pending async requests end at once (their tasks fault with
        /// <see cref="UserTokenResult.Cancelled"/>); blocking calls still running on other
        /// threads finish first, as the handle is freed only when the last one returns.
        /// Returns within about a second. Calling it again does nothing. Never throws.
        /// </summary>
        public void Dispose()
        {
            handle.Dispose();
        }

        internal bool IsDisposed
        {
            get { return handle.IsClosed; }
        }

        internal ClientHandle Handle
        {
            get
            {
                if (handle.IsClosed)
                {
                    throw new ObjectDisposedException(typeof(UserTokenClient).FullName);
                }
                return handle;
            }
        }

        private delegate uint AuthorizedCall(ClientHandle client, byte[] version, byte[] siteId,
            byte[] authorization, out IntPtr json);

        private string WithAuthorization(string version, string siteId, string authorization, AuthorizedCall call)
        {
            ClientHandle client = Handle;
            byte[] nativeVersion = Utf8.ToNative(version, "version");
            byte[] nativeSiteId = Utf8.ToNative(siteId, "siteId");
            byte[] nativeAuthorization = Utf8.ToNative(authorization, "authorization");
            try
            {
                return NativeCall.Run((out IntPtr json) =>
                    call(client, nativeVersion, nativeSiteId, nativeAuthorization, out json));
            }
            finally
            {
                NativeCall.Wipe(nativeAuthorization);
            }
        }
    }
}
