using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml;
using NUnit.Framework;
using UserToken;

namespace UserToken.Tests
{
    /// <summary>
    /// The XML documentation that ships beside UserToken.dll (mcs -doc:, or the SDK's
    /// GenerateDocumentationFile) covers every public member the way IntelliSense shows it:
    /// a summary, a <c>param</c> for every parameter, <c>returns</c> for every method with a
    /// result, and <c>exception</c> on every method and constructor (or "Never throws.").
    /// And docs/testing-with-the-emulator.md quotes this suite's NUnit set-up as it is.
    /// </summary>
    [TestFixture]
    public class DocumentationTests
    {
        private static readonly Assembly Binding = typeof(UserTokenClient).Assembly;

        private static Dictionary<string, XmlElement> Members()
        {
            string xml = Path.ChangeExtension(Binding.Location, ".xml");
            Assert.IsTrue(File.Exists(xml), xml + " is missing: the build must write the XML documentation");
            var document = new XmlDocument();
            document.Load(xml);
            return document.SelectNodes("/doc/members/member").Cast<XmlElement>()
                .ToDictionary(member => member.GetAttribute("name"), member => member);
        }

        private static IEnumerable<XmlElement> Children(XmlElement parent, string name)
        {
            return parent.ChildNodes.OfType<XmlElement>().Where(child => child.Name == name);
        }

        private static IEnumerable<MemberInfo> PublicMembers()
        {
            foreach (Type type in Binding.GetExportedTypes())
            {
                yield return type;
                const BindingFlags declared = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static |
                    BindingFlags.DeclaredOnly;
                foreach (MemberInfo member in type.GetMembers(declared))
                {
                    var method = member as MethodBase;
                    if (method != null && method.IsSpecialName && !(method is ConstructorInfo))
                    {
                        continue; // property and event accessors: documented with their property or event
                    }
                    var field = member as FieldInfo;
                    if (field != null && field.IsSpecialName)
                    {
                        continue; // an enum's value__
                    }
                    yield return member;
                }
            }
        }

        [Test]
        public void EveryPublicMemberHasItsSummaryParamsReturnsAndExceptions()
        {
            Dictionary<string, XmlElement> documented = Members();
            var problems = new List<string>();
            int checkedMembers = 0;
            foreach (MemberInfo member in PublicMembers())
            {
                checkedMembers++;
                string id = DocId(member);
                XmlElement doc;
                if (!documented.TryGetValue(id, out doc))
                {
                    problems.Add(id + ": not documented");
                    continue;
                }
                if (string.IsNullOrWhiteSpace(Text(Children(doc, "summary").FirstOrDefault())))
                {
                    problems.Add(id + ": no <summary>");
                }
                var method = member as MethodBase;
                if (method == null)
                {
                    continue;
                }
                foreach (ParameterInfo parameter in method.GetParameters())
                {
                    XmlElement param = Children(doc, "param").FirstOrDefault(p => p.GetAttribute("name") == parameter.Name);
                    if (string.IsNullOrWhiteSpace(Text(param)))
                    {
                        problems.Add(id + ": no <param name=\"" + parameter.Name + "\">");
                    }
                }
                var returning = method as MethodInfo;
                if (returning != null && returning.ReturnType != typeof(void) &&
                    string.IsNullOrWhiteSpace(Text(Children(doc, "returns").FirstOrDefault())))
                {
                    problems.Add(id + ": no <returns>");
                }
                if (!Children(doc, "exception").Any() && !Text(doc).Contains("Never throws."))
                {
                    problems.Add(id + ": no <exception>, and it does not say \"Never throws.\"");
                }
            }
            Assert.Greater(checkedMembers, 50, "the reflection found too few public members to be right");
            Assert.IsEmpty(problems, string.Join("\n", problems));
        }

        [Test]
        public void EveryExceptionCrefIsAnException()
        {
            foreach (XmlElement exception in Members().Values.SelectMany(member => Children(member, "exception")))
            {
                string cref = exception.GetAttribute("cref");
                StringAssert.StartsWith("T:", cref);
                Type type = Binding.GetType(cref.Substring(2)) ?? Type.GetType(cref.Substring(2));
                Assert.IsNotNull(type, cref + " is no type");
                Assert.IsTrue(typeof(Exception).IsAssignableFrom(type), cref + " is no exception");
                Assert.IsFalse(string.IsNullOrWhiteSpace(Text(exception)), cref + " says nothing about when");
            }
        }

        [Test]
        public void TheGuideQuotesTheNUnitSetUpAsItIs()
        {
            string root = RepositoryRoot();
            const string path = "bindings/csharp/tests/UtEmulatorSetUp.cs";
            string guide = File.ReadAllText(Path.Combine(root, "docs/testing-with-the-emulator.md")).Replace("\r\n", "\n");
            Match quoted = Regex.Match(guide, "<!-- snippet: " + Regex.Escape(path) + " -->\n```[a-z]*\n(.*?)^```$",
                RegexOptions.Singleline | RegexOptions.Multiline);
            Assert.IsTrue(quoted.Success, "docs/testing-with-the-emulator.md does not quote " + path);
            Assert.AreEqual(File.ReadAllText(Path.Combine(root, path)).Replace("\r\n", "\n"), quoted.Groups[1].Value);
        }

        private static string RepositoryRoot()
        {
            var directory = new DirectoryInfo(AppDomain.CurrentDomain.BaseDirectory);
            for (; directory != null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "docs/testing-with-the-emulator.md")))
                {
                    return directory.FullName;
                }
            }
            throw new DirectoryNotFoundException("no repository root above " + AppDomain.CurrentDomain.BaseDirectory);
        }

        /// <summary>The words of an element, the names its see and paramref tags point to included.</summary>
        private static string Text(XmlElement element)
        {
            if (element == null)
            {
                return "";
            }
            string references = string.Concat(element.SelectNodes(".//*[@cref or @name]").Cast<XmlElement>()
                .Select(e => " " + e.GetAttribute("cref") + e.GetAttribute("name")));
            return Regex.Replace(element.InnerText + references, @"\s+", " ").Trim();
        }

        /// <summary>The documentation comment ID of a member, as the C# compilers write it.</summary>
        private static string DocId(MemberInfo member)
        {
            var type = member as Type;
            if (type != null)
            {
                return "T:" + TypeName(type);
            }
            string owner = TypeName(member.DeclaringType);
            var constructor = member as ConstructorInfo;
            if (constructor != null)
            {
                return "M:" + owner + (constructor.IsStatic ? ".#cctor" : ".#ctor") + Parameters(constructor);
            }
            var method = member as MethodInfo;
            if (method != null)
            {
                string generic = method.IsGenericMethodDefinition ? "``" + method.GetGenericArguments().Length : "";
                return "M:" + owner + "." + method.Name + generic + Parameters(method);
            }
            var property = member as PropertyInfo;
            if (property != null)
            {
                ParameterInfo[] index = property.GetIndexParameters();
                return "P:" + owner + "." + property.Name +
                    (index.Length == 0 ? "" : "(" + string.Join(",", index.Select(p => TypeName(p.ParameterType))) + ")");
            }
            if (member is EventInfo)
            {
                return "E:" + owner + "." + member.Name;
            }
            return "F:" + owner + "." + member.Name;
        }

        private static string Parameters(MethodBase method)
        {
            ParameterInfo[] parameters = method.GetParameters();
            return parameters.Length == 0 ? "" : "(" + string.Join(",", parameters.Select(p => TypeName(p.ParameterType))) + ")";
        }

        private static string TypeName(Type type)
        {
            if (type.IsGenericParameter)
            {
                return (type.DeclaringMethod != null ? "``" : "`") + type.GenericParameterPosition;
            }
            if (type.IsByRef)
            {
                return TypeName(type.GetElementType()) + "@";
            }
            if (type.IsArray)
            {
                return TypeName(type.GetElementType()) + "[]";
            }
            if (type.IsGenericType && !type.IsGenericTypeDefinition)
            {
                string definition = type.GetGenericTypeDefinition().FullName;
                return definition.Substring(0, definition.IndexOf('`')).Replace('+', '.') + "{" +
                    string.Join(",", type.GetGenericArguments().Select(TypeName)) + "}";
            }
            return type.FullName.Replace('+', '.');
        }
    }
}
