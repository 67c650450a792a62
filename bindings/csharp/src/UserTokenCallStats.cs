using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Runtime.Serialization;

namespace UserToken
{
    /// <summary>
    /// The counts of one call (issue, renew or revoke) in <see cref="UserTokenStats"/>,
    /// sessions' calls included.
    /// </summary>
    public sealed class UserTokenCallStats
    {
        /// <summary>One call's counts; all zero for null (a call the document leaves out).</summary>
        internal UserTokenCallStats(Document document)
        {
            document = document ?? new Document();
            Calls = document.Calls ?? 0;
            Requests = document.Requests ?? 0;
            Failures = new ReadOnlyDictionary<string, long>(document.Failures ?? new Dictionary<string, long>());
        }

        /// <summary>The calls that passed the argument checks (argument errors are not counted).</summary>
        public long Calls { get; private set; }

        /// <summary>The HTTP requests those calls sent, retries included: what the API counts
        /// against the site and key.</summary>
        public long Requests { get; private set; }

        /// <summary>The calls that did not succeed, by result name as the library spells it
        /// (<c>"UT_DENIED"</c>, <c>"UT_SERVER_ERROR"</c>, ...); only names that occurred. A
        /// cancelled call, or one cut short by disposing the client, is <c>"UT_CANCELLED"</c>.</summary>
        public IReadOnlyDictionary<string, long> Failures { get; private set; }

        /// <summary>How many calls failed, whatever the reason.</summary>
        public long Failed
        {
            get
            {
                long failed = 0;
                foreach (long count in Failures.Values)
                {
                    failed += count;
                }
                return failed;
            }
        }

        /// <summary>How many calls ended with <paramref name="result"/>.</summary>
        /// <param name="result">A failure's result code.</param>
        /// <returns>The count; 0 for a result that did not occur (and for <see cref="UserTokenResult.Ok"/>).
        /// Never throws.</returns>
        public long FailuresOf(UserTokenResult result)
        {
            long count;
            string name = Utf8.Read(Native.ut_result_name((uint)result));
            return Failures.TryGetValue(name, out count) ? count : 0;
        }

        /// <summary>The counts, e.g. <c>calls 2, requests 3, failures UT_DENIED 1</c>.</summary>
        /// <returns>A line for logs. Never throws.</returns>
        public override string ToString()
        {
            var failures = new List<string>();
            foreach (KeyValuePair<string, long> failure in Failures)
            {
                failures.Add(failure.Key + " " + failure.Value);
            }
            return "calls " + Calls + ", requests " + Requests + ", failures "
                + (failures.Count == 0 ? "none" : string.Join(", ", failures));
        }

        /// <summary>One call's object in the library's stats JSON.</summary>
        [DataContract]
        internal sealed class Document
        {
            [DataMember(Name = "calls", IsRequired = false)]
            internal long? Calls { get; set; }

            [DataMember(Name = "requests", IsRequired = false)]
            internal long? Requests { get; set; }

            /// <summary>Result name to count: an object, read as a dictionary.</summary>
            [DataMember(Name = "failures", IsRequired = false)]
            internal Dictionary<string, long> Failures { get; set; }
        }
    }
}
