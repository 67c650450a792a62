namespace UserToken
{
    /// <summary>
    /// The client's configuration: one property per key of the library's configuration JSON.
    /// Only the properties that are set are sent, so every other key keeps the library's
    /// default (and <see cref="BaseUrl"/> and <see cref="ApiKey"/> fall back to the environment
    /// variables <c>MINDBODY_BASE_URL</c> and <c>MINDBODY_API_KEY</c>). The library checks the
    /// values; a bad one makes the constructor throw with <see cref="UserTokenResult.InvalidConfig"/>.
    /// </summary>
    public sealed class UserTokenOptions
    {
        /// <summary>Options with nothing set: every key keeps the library's default. Never throws.</summary>
        public UserTokenOptions()
        {
        }

        /// <summary><c>base_url</c>: default <c>https://api.mindbodyonline.com</c>.</summary>
        public string BaseUrl { get; set; }

        /// <summary><c>api_key</c>: required here or in the environment.</summary>
        public string ApiKey { get; set; }

        /// <summary><c>timeout_ms</c>: per attempt, the whole request; default 30000.</summary>
        public int? TimeoutMs { get; set; }

        /// <summary><c>connect_timeout_ms</c>: default 5000.</summary>
        public int? ConnectTimeoutMs { get; set; }

        /// <summary><c>max_retries</c>: 0–10, default 2.</summary>
        public int? MaxRetries { get; set; }

        /// <summary><c>retry_base_ms</c>: the backoff base, default 200.</summary>
        public int? RetryBaseMs { get; set; }

        /// <summary><c>retry_max_ms</c>: the cap on any one wait, Retry-After included; default 10000.</summary>
        public int? RetryMaxMs { get; set; }

        /// <summary><c>user_agent</c>: default <c>usertoken/&lt;version&gt;</c>.</summary>
        public string UserAgent { get; set; }

        /// <summary><c>proxy</c>: default: the usual HTTPS_PROXY / NO_PROXY environment; a loopback
        /// <c>base_url</c> is always reached directly.</summary>
        public string Proxy { get; set; }

        /// <summary><c>ca_file</c>: a PEM file of extra trust roots.</summary>
        public string CaFile { get; set; }

        /// <summary><c>allow_http</c>: plain http:// to hosts that are not loopback; default false.</summary>
        public bool? AllowHttp { get; set; }

        /// <summary><c>max_response_bytes</c>: default 1048576.</summary>
        public long? MaxResponseBytes { get; set; }

        /// <summary><c>worker_threads</c>: 1–64, default 2.</summary>
        public int? WorkerThreads { get; set; }

        /// <summary><c>session_renew_margin_s</c>: how long before expiry a session renews; default 3600.</summary>
        public long? SessionRenewMarginS { get; set; }

        /// <summary>The configuration JSON; it holds the API key, so it is never logged.</summary>
        internal string ToJson()
        {
            var json = new JsonWriter();
            if (BaseUrl != null) json.Add("base_url", BaseUrl);
            if (ApiKey != null) json.Add("api_key", ApiKey);
            if (TimeoutMs.HasValue) json.Add("timeout_ms", TimeoutMs.Value);
            if (ConnectTimeoutMs.HasValue) json.Add("connect_timeout_ms", ConnectTimeoutMs.Value);
            if (MaxRetries.HasValue) json.Add("max_retries", MaxRetries.Value);
            if (RetryBaseMs.HasValue) json.Add("retry_base_ms", RetryBaseMs.Value);
            if (RetryMaxMs.HasValue) json.Add("retry_max_ms", RetryMaxMs.Value);
            if (UserAgent != null) json.Add("user_agent", UserAgent);
            if (Proxy != null) json.Add("proxy", Proxy);
            if (CaFile != null) json.Add("ca_file", CaFile);
            if (AllowHttp.HasValue) json.Add("allow_http", AllowHttp.Value);
            if (MaxResponseBytes.HasValue) json.Add("max_response_bytes", MaxResponseBytes.Value);
            if (WorkerThreads.HasValue) json.Add("worker_threads", WorkerThreads.Value);
            if (SessionRenewMarginS.HasValue) json.Add("session_renew_margin_s", SessionRenewMarginS.Value);
            return json.ToString();
        }
    }
}
