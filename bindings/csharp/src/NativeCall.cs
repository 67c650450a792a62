using System;
using System.Runtime.InteropServices;

namespace UserToken
{
    /// <summary>
    /// The output rule of every fallible call in one place: the <c>char **</c> output is always
    /// written, is read as UTF-8 and freed with ut_free_string even when reading fails, and is
    /// the result on UT_OK or the error document otherwise.
    /// </summary>
    internal static class NativeCall
    {
        internal delegate uint WithOutput(out IntPtr output);

        /// <summary>The call's output on UT_OK.</summary>
        /// <exception cref="UserTokenException">Any other result, from its error document.</exception>
        internal static string Run(WithOutput call)
        {
            IntPtr output = IntPtr.Zero;
            uint result;
            string text;
            try
            {
                result = call(out output);
                text = Utf8.Read(output);
            }
            finally
            {
                if (output != IntPtr.Zero)
                {
                    Native.ut_free_string(output);
                }
            }
            if (result != (uint)UserTokenResult.Ok)
            {
                throw UserTokenException.FromDocument(result, text);
            }
            return text;
        }

        internal delegate uint WithHandle<T>(out T created, out IntPtr error);

        /// <summary>The handle a constructor call creates, on UT_OK.</summary>
        /// <exception cref="UserTokenException">Any other result, from its error document; a
        /// handle written anyway is released.</exception>
        internal static T Create<T>(WithHandle<T> call) where T : SafeHandle
        {
            T created = null;
            try
            {
                Run((out IntPtr error) => call(out created, out error));
            }
            catch
            {
                if (created != null)
                {
                    created.Dispose();
                }
                throw;
            }
            return created;
        }

        /// <summary>Overwrites a marshalled secret once the library has copied it.</summary>
        internal static void Wipe(byte[] secret)
        {
            if (secret != null)
            {
                Array.Clear(secret, 0, secret.Length);
            }
        }
    }
}
