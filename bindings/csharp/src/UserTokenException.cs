using System;

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
            : this(result, message, httpStatus, apiCode, attempts, null)
        {
        }

        private UserTokenException(UserTokenResult result, string message, int? httpStatus, string apiCode,
            int attempts, string json)
            : base(message)
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
        /// null when there was none (nothing sent, or no full response).</summary>
        public int? HttpStatus { get; private set; }

        /// <summary>The API's <c>Error.Code</c>, e.g. <c>"DeniedAccess"</c>; null when there was none.</summary>
        public string ApiCode { get; private set; }

        /// <summary>Every try that was made, retries included; 0 when nothing was sent.</summary>
        public int Attempts { get; private set; }

        /// <summary>The error document as the library wrote it; null for errors that come
        /// without one (the argument errors of the async calls).</summary>
        public string Json { get; private set; }

        /// <summary>Builds the exception from a result code and the error document written with it.</summary>
        internal static UserTokenException FromDocument(uint result, string json)
        {
            object document = null;
            if (json != null)
            {
                try
                {
                    document = JsonReader.Parse(json);
                }
                catch (FormatException)
                {
                    // Keep the code and the raw text; the message below falls back to the name.
                }
            }
            string message = JsonReader.String(document, "message") ?? NameOf(result);
            long? status = JsonReader.Int64(document, "http_status");
            long? attempts = JsonReader.Int64(document, "attempts");
            return new UserTokenException((UserTokenResult)result, message, (int?)status,
                JsonReader.String(document, "code"), (int)(attempts ?? 0), json);
        }

        /// <summary>For a code returned without a document (the async calls' and
        /// ut_set_log_callback's argument errors); <paramref name="what"/> says what was rejected.</summary>
        internal static UserTokenException FromCode(uint result, string what)
        {
            return new UserTokenException((UserTokenResult)result, NameOf(result) + ": " + what, null, null, 0, null);
        }

        private static string NameOf(uint result)
        {
            return Utf8.Read(Native.ut_result_name(result));
        }
    }
}
