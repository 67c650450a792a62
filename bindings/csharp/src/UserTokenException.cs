using System;
using System.Runtime.Serialization;

namespace UserToken
{
    /// <summary>
    /// A call that did not return UT_OK: the library's error document, typed.
    /// <see cref="Exception.Message"/> is the document's message, which never holds a password,
    /// a token or the API key.
    /// </summary>
    public class UserTokenException : Exception
    {
        /// <summary>An exception as the library would report it (for tests and fakes). Never throws.</summary>
        /// <param name="result">The result code.</param>
        /// <param name="message">The message, as the error document's <c>message</c>.</param>
        /// <param name="httpStatus">The HTTP status of the failing answer, or null.</param>
        /// <param name="apiCode">The API's <c>Error.Code</c>, or null.</param>
        /// <param name="attempts">How many tries were made, 0 when nothing was sent.</param>
        public UserTokenException(UserTokenResult result, string message, int? httpStatus, string apiCode, int attempts)
            : this(result, message, httpStatus, apiCode, attempts, null, null)
        {
        }

        private UserTokenException(UserTokenResult result, string message, int? httpStatus, string apiCode,
            int attempts, string json, Exception cause)
            : base(message, cause)
        {
            Result = result;
            HttpStatus = httpStatus;
            ApiCode = apiCode;
            Attempts = attempts;
            Json = json;
        }

        /// <summary>What went wrong, as the library's result code.</summary>
        public UserTokenResult Result { get; private set; }

        /// <summary>The code's name as the library spells it, e.g. <c>"UT_DENIED"</c>.</summary>
        public string ResultName
        {
            get { return Utf8.Read(Native.ut_result_name((uint)Result)); }
        }

        /// <summary>The HTTP status of the failing response (a 2xx for <see cref="UserTokenResult.Decode"/>);
        /// null when there was none (nothing sent, or no full response), and for a
        /// <see cref="UserTokenResult.Decode"/> of the binding's own (an answer the library
        /// accepted with a member of a type the binding cannot read).</summary>
        public int? HttpStatus { get; private set; }

        /// <summary>The API's <c>Error.Code</c>, e.g. <c>"DeniedAccess"</c>; null when there was none.</summary>
        public string ApiCode { get; private set; }

        /// <summary>Every try that was made, retries included; 0 when nothing was sent, and for a
        /// <see cref="UserTokenResult.Decode"/> of the binding's own.</summary>
        public int Attempts { get; private set; }

        /// <summary>The error document as the library wrote it; null for errors that come
        /// without one (the argument errors of the async calls).</summary>
        public string Json { get; private set; }

        /// <summary>Builds the exception from a result code and the error document written with it.</summary>
        internal static UserTokenException FromDocument(uint result, string json)
        {
            ErrorDocument document = null;
            if (json != null)
            {
                try
                {
                    document = JsonContract.Read<ErrorDocument>(json);
                }
                catch (SerializationException)
                {
                    // Keep the code and the raw text; the message below falls back to the name.
                }
            }
            document = document ?? new ErrorDocument();
            return new UserTokenException((UserTokenResult)result, document.Message ?? NameOf(result),
                (int?)document.HttpStatus, document.Code, (int)(document.Attempts ?? 0), json, null);
        }

        /// <summary>For a code returned without a document (the async calls' and
        /// ut_set_log_callback's argument errors); <paramref name="what"/> says what was rejected.</summary>
        internal static UserTokenException FromCode(uint result, string what)
        {
            return new UserTokenException((UserTokenResult)result, NameOf(result) + ": " + what, null, null, 0, null, null);
        }

        /// <summary>For a successful call whose output the binding cannot read (a member of a
        /// type the binding does not take): <see cref="UserTokenResult.Decode"/>, with the
        /// serializer's complaint as the inner exception.</summary>
        internal static UserTokenException Unreadable(string what, SerializationException cause)
        {
            uint decode = (uint)UserTokenResult.Decode;
            return new UserTokenException(UserTokenResult.Decode, NameOf(decode) + ": " + what, null, null, 0, null, cause);
        }

        private static string NameOf(uint result)
        {
            return Utf8.Read(Native.ut_result_name(result));
        }

        /// <summary>The library's error document (see the output rule in usertoken.h).</summary>
        [DataContract]
        private sealed class ErrorDocument
        {
            [DataMember(Name = "message", IsRequired = false)]
            internal string Message { get; set; }

            [DataMember(Name = "http_status", IsRequired = false)]
            internal long? HttpStatus { get; set; }

            [DataMember(Name = "code", IsRequired = false)]
            internal string Code { get; set; }

            [DataMember(Name = "attempts", IsRequired = false)]
            internal long? Attempts { get; set; }
        }
    }
}
