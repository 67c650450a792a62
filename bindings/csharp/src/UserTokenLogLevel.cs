namespace UserToken
{
    /// <summary>The library's log levels (UT_LOG_ERROR 1 … UT_LOG_TRACE 5).</summary>
    public enum UserTokenLogLevel : uint
    {
        /// <summary>A call failed for good.</summary>
        Error = 1,

        /// <summary>An attempt failed and will be retried; a session refresh failed.</summary>
        Warn = 2,

        /// <summary>A call succeeded; a session renewed or re-issued its token.</summary>
        Info = 3,

        /// <summary>An attempt starts.</summary>
        Debug = 4,

        /// <summary>The most detailed lines.</summary>
        Trace = 5,
    }
}
