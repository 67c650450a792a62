namespace UserToken
{
    /// <summary>
    /// The staff member a token belongs to (the API's <c>User</c> model). The API marks no
    /// field as required, so each is null when the answer leaves it out.
    /// </summary>
    public sealed class User
    {
        internal User(object json)
        {
            Id = JsonReader.Int64(json, "Id");
            FirstName = JsonReader.String(json, "FirstName");
            LastName = JsonReader.String(json, "LastName");
            Type = JsonReader.String(json, "Type");
        }

        /// <summary>The user's id at the business; always 0 for Owner and Admin users.</summary>
        public long? Id { get; private set; }

        /// <summary>The user's first name.</summary>
        public string FirstName { get; private set; }

        /// <summary>The user's last name.</summary>
        public string LastName { get; private set; }

        /// <summary><c>"Staff"</c>, <c>"Owner"</c> or <c>"Admin"</c>.</summary>
        public string Type { get; private set; }
    }
}
