using System.Runtime.Serialization;

namespace UserToken
{
    /// <summary>
    /// What a client has done since it was made (<see cref="UserTokenClient.Stats"/>), one
    /// <see cref="UserTokenCallStats"/> per call. Mindbody counts API calls per site and key,
    /// and sandbox keys have a small daily allowance: <see cref="Requests"/> is what this
    /// client has spent of it.
    /// </summary>
    public sealed class UserTokenStats
    {
        /// <exception cref="UserTokenException"><see cref="UserTokenResult.Decode"/>: the JSON
        /// is not the library's stats document.</exception>
        internal UserTokenStats(string json)
        {
            Document document;
            try
            {
                document = JsonContract.Read<Document>(json) ?? new Document();
            }
            catch (SerializationException e)
            {
                throw UserTokenException.Unreadable("the library's stats are not a UserTokenStats", e);
            }
            Json = json;
            Issue = new UserTokenCallStats(document.Issue);
            Renew = new UserTokenCallStats(document.Renew);
            Revoke = new UserTokenCallStats(document.Revoke);
        }

        /// <summary>The issue calls, those of sessions included.</summary>
        public UserTokenCallStats Issue { get; private set; }

        /// <summary>The renew calls, those of sessions included.</summary>
        public UserTokenCallStats Renew { get; private set; }

        /// <summary>The revoke calls, those of sessions included.</summary>
        public UserTokenCallStats Revoke { get; private set; }

        /// <summary>Every HTTP request the three calls sent, retries included.</summary>
        public long Requests
        {
            get { return Issue.Requests + Renew.Requests + Revoke.Requests; }
        }

        /// <summary>The library's JSON as it wrote it.</summary>
        public string Json { get; private set; }

        /// <summary>The counts of each call, for logs.</summary>
        /// <returns>One line per call. Never throws.</returns>
        public override string ToString()
        {
            return "issue: " + Issue + "\nrenew: " + Renew + "\nrevoke: " + Revoke;
        }

        /// <summary>The library's stats JSON (ut_client_stats).</summary>
        [DataContract]
        private sealed class Document
        {
            [DataMember(Name = "issue", IsRequired = false)]
            internal UserTokenCallStats.Document Issue { get; set; }

            [DataMember(Name = "renew", IsRequired = false)]
            internal UserTokenCallStats.Document Renew { get; set; }

            [DataMember(Name = "revoke", IsRequired = false)]
            internal UserTokenCallStats.Document Revoke { get; set; }
        }
    }
}
