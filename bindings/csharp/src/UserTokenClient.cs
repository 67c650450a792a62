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

        /// <summary>A client with every default; the API key then comes from <c>MINDBODY_API_KEY</c>.</summary>
        public UserTokenClient()
            : this((byte[])null)
        {
        }

        /// <exception cref="UserTokenException">The library rejected the options
        /// (<see cref="UserTokenResult.InvalidConfig"/>, naming the key).</exception>
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

        /// <summary>A client configured by the library's configuration JSON as is (null for every default).</summary>
        public static UserTokenClient FromConfigJson(string configJson)
        {
            return new UserTokenClient(Utf8.ToNative(configJson, "configJson"));
        }

        /// <summary>The library's version, e.g. <c>"1.0.0"</c>.</summary>
        public static string LibraryVersion
        {
            get { return Utf8.Read(Native.ut_version()); }
        }

        /// <summary>Issues a staff user token (POST .../usertoken/issue).</summary>
        /// <exception cref="UserTokenException">The call failed; see its <see cref="UserTokenException.Result"/>.</exception>
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
        /// <exception cref="UserTokenException">The call failed; see its <see cref="UserTokenException.Result"/>.</exception>
        public IssueResponse Renew(string version, string siteId, string authorization)
        {
            return new IssueResponse(WithAuthorization(version, siteId, authorization, Native.ut_renew));
        }

        /// <summary>Revokes a token (DELETE .../usertoken/revoke); returns the answer's JSON, usually <c>{}</c>.</summary>
        /// <exception cref="UserTokenException">The call failed; see its <see cref="UserTokenException.Result"/>.</exception>
        public string Revoke(string version, string siteId, string authorization)
        {
            return WithAuthorization(version, siteId, authorization, Native.ut_revoke);
        }

        /// <summary>
        /// Issues a token and keeps it valid: see <see cref="UserTokenSession"/>.
        /// </summary>
        /// <exception cref="UserTokenException">The first issue failed.</exception>
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
        /// Frees the client. Pending async requests end at once (their tasks fault with
        /// <see cref="UserTokenResult.Cancelled"/>); blocking calls still running on other
        /// threads finish first, as the handle is freed only when the last one returns.
        /// Returns within about a second. Calling it again does nothing.
        /// </summary>
        public void Dispose()
        {
            handle.Dispose();
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
