using System;
using System.Threading;

namespace UserToken
{
    /// <summary>
    /// The library's log lines (one per request attempt, retry, success, final failure and
    /// session refresh), process-wide. The library is asked for lines only while
    /// <see cref="Line"/> has a handler. Handlers run on the library's threads, possibly
    /// several at once, so they must be thread-safe and quick; an exception thrown by a
    /// handler is dropped, since it cannot be allowed to unwind into the library.
    /// </summary>
    public static class UserTokenLog
    {
        // Held for the life of the process: the library may still call it once on a thread
        // that had begun a line when logging was turned off.
        private static readonly Native.LogCallback Received = OnReceived;

        private static readonly object Gate = new object();
        private static EventHandler<UserTokenLogEventArgs> handlers;
        private static UserTokenLogLevel level = UserTokenLogLevel.Info;

        static UserTokenLog()
        {
            LibraryCheck.Verify();
            // The library outlives this AppDomain (and, at exit, the runtime's ability to run
            // managed code): it must not be left holding a callback into it.
            AppDomain.CurrentDomain.ProcessExit += TurnOff;
            AppDomain.CurrentDomain.DomainUnload += TurnOff;
        }

        /// <summary>The most detailed level delivered; <see cref="UserTokenLogLevel.Info"/> by default.</summary>
        /// <exception cref="UserTokenException">The library rejected the level
        /// (<see cref="UserTokenResult.InvalidArgument"/>) while a handler was attached.</exception>
        /// <exception cref="TypeInitializationException">The first use of the binding found no
        /// libusertoken, or one of another ABI version; the inner <see cref="DllNotFoundException"/>
        /// says which.</exception>
        public static UserTokenLogLevel Level
        {
            get
            {
                lock (Gate)
                {
                    return level;
                }
            }
            set
            {
                lock (Gate)
                {
                    Install(handlers, value);
                    level = value;
                }
            }
        }

        /// <summary>Raised for each log line, with a null sender.</summary>
        /// <exception cref="TypeInitializationException">The first use of the binding found no
        /// libusertoken, or one of another ABI version; the inner <see cref="DllNotFoundException"/>
        /// says which.</exception>
        public static event EventHandler<UserTokenLogEventArgs> Line
        {
            add
            {
                lock (Gate)
                {
                    var updated = handlers + value;
                    Install(updated, level);
                    handlers = updated;
                }
            }
            remove
            {
                lock (Gate)
                {
                    var updated = handlers - value;
                    Install(updated, level);
                    handlers = updated;
                }
            }
        }

        private static void Install(EventHandler<UserTokenLogEventArgs> next, UserTokenLogLevel maxLevel)
        {
            uint result = next == null
                ? Native.ut_set_log_callback(null, IntPtr.Zero, 0)
                : Native.ut_set_log_callback(Received, IntPtr.Zero, (uint)maxLevel);
            if (result != (uint)UserTokenResult.Ok)
            {
                throw UserTokenException.FromCode(result, "ut_set_log_callback rejected max_level " + (uint)maxLevel);
            }
        }

        private static void TurnOff(object sender, EventArgs e)
        {
            lock (Gate)
            {
                handlers = null;
                Native.ut_set_log_callback(null, IntPtr.Zero, 0);
            }
        }

        private static void OnReceived(IntPtr userData, uint lineLevel, IntPtr message)
        {
            try
            {
                EventHandler<UserTokenLogEventArgs> current = Volatile.Read(ref handlers);
                if (current != null)
                {
                    current(null, new UserTokenLogEventArgs((UserTokenLogLevel)lineLevel, Utf8.Read(message)));
                }
            }
            catch (Exception)
            {
                // See the class remarks: nowhere better to report it.
            }
        }
    }
}
