using System.Runtime.Serialization;

namespace UserToken
{
    /// <summary>
    /// The staff member a token belongs to (the API's <c>User</c> model). The API marks no
    /// field as required, so each is null when the answer leaves it out.
    /// </summary>
    public sealed class User
    {
        internal User(Document document)
        {
            Id = document.Id;
            FirstName = document.FirstName;
            LastName = document.LastName;
            Type = document.Type;
        }

        /// <summary>The user's id at the business; always 0 for Owner and Admin users.</summary>
        public long? Id { get; private set; }

        /// <summary>The user's first name.</summary>
        public string FirstName { get; private set; }

        /// <summary>The user's last name.</summary>
        public string LastName { get; private set; }

        /// <summary><c>"Staff"</c>, <c>"Owner"</c> or <c>"Admin"</c>.</summary>
        public string Type { get; private set; }

        /// <summary>The <c>User</c> object as the answer spells it.</summary>
        [DataContract]
        internal sealed class Document
        {
            [DataMember(Name = "Id", IsRequired = false)]
            internal long? Id { get; set; }

            [DataMember(Name = "FirstName", IsRequired = false)]
            internal string FirstName { get; set; }

            [DataMember(Name = "LastName", IsRequired = false)]
            internal string LastName { get; set; }

            [DataMember(Name = "Type", IsRequired = false)]
            internal string Type { get; set; }
        }
    }
}
