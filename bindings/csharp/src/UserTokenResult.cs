namespace UserToken
{
    /// <summary>
    /// The library's result codes (<c>ut_result</c>). The values are fixed forever and new ones
    /// are only appended, so a value without a name here can still arrive from a newer library;
    /// <see cref="UserTokenException.ResultName"/> names it.
    /// </summary>
    public enum UserTokenResult : uint
    {
        /// <summary>UT_OK: success.</summary>
        Ok = 0,

        /// <summary>UT_NULL_ARGUMENT: a required argument was null.</summary>
        NullArgument = 1,

        /// <summary>UT_INVALID_ARGUMENT: a string was empty, too long, or held forbidden characters.</summary>
        InvalidArgument = 2,

        /// <summary>UT_INVALID_CONFIG: the options were rejected; the message names the key.</summary>
        InvalidConfig = 3,

        /// <summary>UT_CONNECT: DNS, connection or TLS failure, or the connection dropped.</summary>
        Connect = 4,

        /// <summary>UT_TIMEOUT: no full response within timeout_ms.</summary>
        Timeout = 5,

        /// <summary>UT_DENIED: HTTP 401 or 403.</summary>
        Denied = 6,

        /// <summary>UT_RATE_LIMITED: HTTP 429, after retries.</summary>
        RateLimited = 7,

        /// <summary>UT_SERVER_ERROR: HTTP 5xx, after retries.</summary>
        ServerError = 8,

        /// <summary>UT_HTTP_ERROR: any other non-2xx status.</summary>
        HttpError = 9,

        /// <summary>UT_DECODE: a 2xx body that was not the expected JSON, or too large.</summary>
        Decode = 10,

        /// <summary>UT_CANCELLED: an async request was cancelled, or its client disposed.</summary>
        Cancelled = 11,

        /// <summary>UT_NOT_FOUND: no pending request had that id.</summary>
        NotFound = 12,

        /// <summary>UT_PANIC: an internal fault was caught inside the library.</summary>
        Panic = 13,
    }
}
