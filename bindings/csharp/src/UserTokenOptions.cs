using System.Runtime.Serialization;

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
        /// <exception cref="System.ArgumentException">A string option holds an unpaired surrogate.</exception>
        internal string ToJson()
        {
            foreach (string value in new[] { BaseUrl, ApiKey, UserAgent, Proxy, CaFile })
            {
                Utf8.RequireUtf8(value, "options");
            }
            return JsonContract.Write(new Document
            {
                BaseUrl = BaseUrl,
                ApiKey = ApiKey,
                TimeoutMs = TimeoutMs,
                ConnectTimeoutMs = ConnectTimeoutMs,
                MaxRetries = MaxRetries,
                RetryBaseMs = RetryBaseMs,
                RetryMaxMs = RetryMaxMs,
                UserAgent = UserAgent,
                Proxy = Proxy,
                CaFile = CaFile,
                AllowHttp = AllowHttp,
                MaxResponseBytes = MaxResponseBytes,
                WorkerThreads = WorkerThreads,
                SessionRenewMarginS = SessionRenewMarginS,
            });
        }

        /// <summary>The configuration JSON's keys; a null member is left out, so that the
        /// library keeps its default for it.</summary>
        [DataContract]
        private sealed class Document
        {
            [DataMember(Name = "base_url", EmitDefaultValue = false, Order = 0)]
            internal string BaseUrl { get; set; }

            [DataMember(Name = "api_key", EmitDefaultValue = false, Order = 1)]
            internal string ApiKey { get; set; }

            [DataMember(Name = "timeout_ms", EmitDefaultValue = false, Order = 2)]
            internal int? TimeoutMs { get; set; }

            [DataMember(Name = "connect_timeout_ms", EmitDefaultValue = false, Order = 3)]
            internal int? ConnectTimeoutMs { get; set; }

            [DataMember(Name = "max_retries", EmitDefaultValue = false, Order = 4)]
            internal int? MaxRetries { get; set; }

            [DataMember(Name = "retry_base_ms", EmitDefaultValue = false, Order = 5)]
            internal int? RetryBaseMs { get; set; }

            [DataMember(Name = "retry_max_ms", EmitDefaultValue = false, Order = 6)]
            internal int? RetryMaxMs { get; set; }

            [DataMember(Name = "user_agent", EmitDefaultValue = false, Order = 7)]
            internal string UserAgent { get; set; }

            [DataMember(Name = "proxy", EmitDefaultValue = false, Order = 8)]
            internal string Proxy { get; set; }

            [DataMember(Name = "ca_file", EmitDefaultValue = false, Order = 9)]
            internal string CaFile { get; set; }

            [DataMember(Name = "allow_http", EmitDefaultValue = false, Order = 10)]
            internal bool? AllowHttp { get; set; }

            [DataMember(Name = "max_response_bytes", EmitDefaultValue = false, Order = 11)]
            internal long? MaxResponseBytes { get; set; }

            [DataMember(Name = "worker_threads", EmitDefaultValue = false, Order = 12)]
            internal int? WorkerThreads { get; set; }

            [DataMember(Name = "session_renew_margin_s", EmitDefaultValue = false, Order = 13)]
            internal long? SessionRenewMarginS { get; set; }
        }
    }
}
