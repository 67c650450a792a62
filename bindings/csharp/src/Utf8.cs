using System;
using System.Runtime.InteropServices;
using System.Text;

namespace UserToken
{
    /// <summary>
    /// Strings across the boundary are UTF-8. Marshal.PtrToStringUTF8 is not in
    /// netstandard2.0, so both directions are done here by hand.
    /// </summary>
    internal static class Utf8
    {
        // Throws on unpaired surrogates instead of silently sending U+FFFD: a password that is
        // changed on the way would fail authentication with no hint why.
        private static readonly UTF8Encoding Strict = new UTF8Encoding(false, true);

        /// <summary>
        /// A NUL-terminated UTF-8 copy of <paramref name="value"/>, or null (a NULL pointer,
        /// which the library reports as UT_NULL_ARGUMENT) for a null string.
        /// </summary>
        /// <exception cref="ArgumentException">The string holds U+0000, which a C string
        /// cannot carry (the library would see a shorter string), or an unpaired surrogate,
        /// which has no UTF-8 form.</exception>
        internal static byte[] ToNative(string value, string parameter)
        {
            if (value == null)
            {
                return null;
            }
            if (value.IndexOf('\0') >= 0)
            {
                throw new ArgumentException("contains U+0000, which cannot be passed as a C string", parameter);
            }
            byte[] bytes;
            try
            {
                bytes = new byte[Strict.GetByteCount(value) + 1];
                Strict.GetBytes(value, 0, value.Length, bytes, 0);
            }
            catch (EncoderFallbackException e)
            {
                throw Unpaired(parameter, e);
            }
            return bytes;
        }

        /// <summary>
        /// Checks that a string headed for a JSON document has a UTF-8 form: the serializer
        /// would write an unpaired surrogate as a <c>\u</c> escape that the library rejects.
        /// </summary>
        /// <exception cref="ArgumentException">The string holds an unpaired surrogate.</exception>
        internal static void RequireUtf8(string value, string parameter)
        {
            if (value == null)
            {
                return;
            }
            try
            {
                Strict.GetByteCount(value);
            }
            catch (EncoderFallbackException e)
            {
                throw Unpaired(parameter, e);
            }
        }

        private static ArgumentException Unpaired(string parameter, EncoderFallbackException e)
        {
            return new ArgumentException("contains an unpaired surrogate, which has no UTF-8 form", parameter, e);
        }

        /// <summary>
        /// Decodes a NUL-terminated UTF-8 string the library owns or lends; null for NULL.
        /// The caller still owns <paramref name="pointer"/>.
        /// </summary>
        internal static string Read(IntPtr pointer)
        {
            if (pointer == IntPtr.Zero)
            {
                return null;
            }
            int length = 0;
            while (Marshal.ReadByte(pointer, length) != 0)
            {
                length++;
            }
            var bytes = new byte[length];
            Marshal.Copy(pointer, bytes, 0, length);
            try
            {
                return Encoding.UTF8.GetString(bytes);
            }
            finally
            {
                // Results can hold access tokens; do not leave a second copy for the GC.
                Array.Clear(bytes, 0, bytes.Length);
            }
        }
    }
}
