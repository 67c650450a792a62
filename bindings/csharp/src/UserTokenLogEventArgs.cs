using System;

namespace UserToken
{
    /// <summary>One log line of the library; it never holds a password, a token or the API key.</summary>
    public sealed class UserTokenLogEventArgs : EventArgs
    {
        internal UserTokenLogEventArgs(UserTokenLogLevel level, string message)
        {
            Level = level;
            Message = message;
        }

        /// <summary>How important the line is.</summary>
        public UserTokenLogLevel Level { get; private set; }

        /// <summary>The line's text.</summary>
        public string Message { get; private set; }
    }
}
