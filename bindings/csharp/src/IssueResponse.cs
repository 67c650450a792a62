using System;
using System.Collections.Generic;
using System.Globalization;

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
        internal IssueResponse(string json)
        {
            Json = json;
            object document = JsonReader.Parse(json);
            TokenType = JsonReader.String(document, "TokenType");
            AccessToken = JsonReader.String(document, "AccessToken");
            Expires = JsonReader.Timestamp(document, "Expires");
            object user = JsonReader.Member(document, "User");
            User = user is Dictionary<string, object> ? new User(user) : null;
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
    }
}
