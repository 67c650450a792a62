using System;
using System.IO;
using System.Reflection;
using System.Runtime.Serialization;
using System.Runtime.Serialization.Json;
using System.Text;
using System.Xml;

namespace UserToken
{
    /// <summary>
    /// The platform's JSON (<see cref="DataContractJsonSerializer"/>, part of netstandard2.0)
    /// for the library's documents: each is read into, or written from, a
    /// <c>[DataContract]</c> type whose members are all optional, so members the contract does
    /// not name are ignored and members it names may be absent.
    /// </summary>
    internal static class JsonContract
    {
        /// <summary>Reads one document; null when the text is the JSON literal <c>null</c>.</summary>
        /// <exception cref="SerializationException">The text is not JSON, or a member the
        /// contract names has a type it cannot take (a number where an object belongs, a
        /// fraction for an integer, ...).</exception>
        internal static T Read<T>(string json) where T : class
        {
            try
            {
                using (var stream = new MemoryStream(Encoding.UTF8.GetBytes(json)))
                {
                    return (T)Serializer(typeof(T)).ReadObject(stream);
                }
            }
            catch (Exception e) when (e is XmlException || e is TargetInvocationException || e is FormatException
                || e is OverflowException || e is InvalidCastException)
            {
                // What the serializer lets through of its own failures, varying by runtime:
                // reported as the one exception it documents.
                throw new SerializationException("the JSON is not a " + typeof(T).Name + ": " + e.Message, e);
            }
        }

        /// <summary>Writes one document as compact JSON, members in their contract's order;
        /// a member marked <c>EmitDefaultValue = false</c> is left out while null.</summary>
        internal static string Write<T>(T document) where T : class
        {
            using (var stream = new MemoryStream())
            {
                Serializer(typeof(T)).WriteObject(stream, document);
                return Encoding.UTF8.GetString(stream.ToArray());
            }
        }

        private static DataContractJsonSerializer Serializer(Type type)
        {
            // Dictionaries as plain objects ({"UT_DENIED":1}), not as key/value arrays.
            return new DataContractJsonSerializer(type,
                new DataContractJsonSerializerSettings { UseSimpleDictionaryFormat = true });
        }
    }
}
