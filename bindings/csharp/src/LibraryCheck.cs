using System;

namespace UserToken
{
    /// <summary>
    /// Loads libusertoken and checks that its ABI is the one declared in <see cref="Native"/>,
    /// once. The public entry types call <see cref="Verify"/> from their static constructors,
    /// so a missing or mismatched library fails on first use with a
    /// <see cref="TypeInitializationException"/> whose inner exception says what to fix,
    /// instead of as a crash or wrong results later.
    /// </summary>
    internal static class LibraryCheck
    {
        private static readonly object Gate = new object();
        private static bool checkedOnce;
        private static string problem;
        private static Exception cause;

        internal static void Verify()
        {
            lock (Gate)
            {
                if (!checkedOnce)
                {
                    Probe();
                    checkedOnce = true;
                }
            }
            if (problem != null)
            {
                throw new DllNotFoundException(problem, cause);
            }
        }

        private static void Probe()
        {
            uint abi;
            try
            {
                abi = Native.ut_abi_version();
            }
            catch (DllNotFoundException e)
            {
                problem = "libusertoken could not be loaded: put libusertoken.so (usertoken.dll, "
                    + "libusertoken.dylib) on the native library search path, e.g. LD_LIBRARY_PATH, "
                    + "or beside the application. " + e.Message;
                cause = e;
                return;
            }
            catch (EntryPointNotFoundException e)
            {
                problem = "the library loaded as 'usertoken' has no ut_abi_version: it is not libusertoken. "
                    + e.Message;
                cause = e;
                return;
            }
            if (abi != Native.AbiVersion)
            {
                problem = "libusertoken " + Utf8.Read(Native.ut_version()) + " has ABI version " + abi
                    + ", but this UserToken assembly needs ABI version " + Native.AbiVersion
                    + ": install the libusertoken that matches it.";
            }
        }
    }
}
