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
        internal UserTokenStats(string json)
        {
            Json = json;
            object document = JsonReader.Parse(json);
            Issue = new UserTokenCallStats(JsonReader.Member(document, "issue"));
            Renew = new UserTokenCallStats(JsonReader.Member(document, "renew"));
            Revoke = new UserTokenCallStats(JsonReader.Member(document, "revoke"));
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
        /// <returns>One line per call.</returns>
        public override string ToString()
        {
            return "issue: " + Issue + "\nrenew: " + Renew + "\nrevoke: " + Revoke;
        }
    }
}
