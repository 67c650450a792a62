using System;
using System.Globalization;
using System.Runtime.Serialization;

namespace UserToken
{
    /// <summary>
    /// The answer to issue, and to renew (whose body the API does not document but which is
    /// this shape in practice). The API marks no field as required: each is null when the
    /// answer leaves it out; after a successful issue <see cref="AccessToken"/> is always set.
    /// The body as received is in <see cref="Json"/>.
    /// </summary>
    public sealed class IssueResponse
    {
        /// <exception cref="UserTokenException"><see cref="UserTokenResult.Decode"/>: a member
        /// named here has a type it cannot take (a <c>User</c> that is not an object, an
        /// <c>Id</c> that is not an integer).</exception>
        internal IssueResponse(string json)
        {
            Document document;
            try
            {
                // The JSON literal null reads as an answer with no members.
                document = JsonContract.Read<Document>(json) ?? new Document();
            }
            catch (SerializationException e)
            {
                throw UserTokenException.Unreadable("the answer is not an IssueResponse", e);
            }
            Json = json;
            TokenType = document.TokenType;
            AccessToken = document.AccessToken;
            Expires = Timestamp(document.Expires);
            User = document.User == null ? null : new User(document.User);
        }

        /// <summary>The scheme to send the token with, e.g. <c>"Bearer"</c>.</summary>
        public string TokenType { get; private set; }

        /// <summary>The token, to be sent as the <c>Authorization</c> header.</summary>
        public string AccessToken { get; private set; }

        /// <summary>When the token expires, in UTC; null when the answer had no readable
        /// RFC 3339 <c>Expires</c> (its text is still in <see cref="Json"/>).</summary>
        public DateTimeOffset? Expires { get; private set; }

        /// <summary>The staff member the token belongs to; null when the answer has no <c>User</c> object.</summary>
        public User User { get; private set; }

        /// <summary>The response body exactly as the server sent it (<c>{}</c> for an empty renew answer).</summary>
        public string Json { get; private set; }

        /// <summary>The type, expiry and user, never the token, so the object is safe to log.
        /// Never throws.</summary>
        /// <returns>For example <c>IssueResponse { TokenType = Bearer, Expires = ..., User = Jane Doe (Staff) }</c>.</returns>
        public override string ToString()
        {
            return "IssueResponse { TokenType = " + TokenType + ", Expires = "
                + (Expires.HasValue ? Expires.Value.ToString("o", CultureInfo.InvariantCulture) : "null")
                + ", User = " + (User == null ? "null" : User.FirstName + " " + User.LastName + " (" + User.Type + ")")
                + " }";
        }

        /// <summary>An RFC 3339 date-time as UTC (one without an offset taken as UTC); null
        /// when absent or unreadable. Read here: the serializer's own dates are not RFC 3339.</summary>
        private static DateTimeOffset? Timestamp(string text)
        {
            DateTimeOffset result;
            if (text == null || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture,
                    DateTimeStyles.AssumeUniversal, out result))
            {
                return null;
            }
            return result.ToUniversalTime();
        }

        /// <summary>The issue answer as the API spells it; <c>Expires</c> stays text.</summary>
        [DataContract]
        private sealed class Document
        {
            [DataMember(Name = "TokenType", IsRequired = false)]
            internal string TokenType { get; set; }

            [DataMember(Name = "AccessToken", IsRequired = false)]
            internal string AccessToken { get; set; }

            [DataMember(Name = "Expires", IsRequired = false)]
            internal string Expires { get; set; }

            [DataMember(Name = "User", IsRequired = false)]
            internal UserToken.User.Document User { get; set; }
        }
    }
}
