using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Runtime.Serialization;
using System.Text;
using System.Threading;
using UserToken;

namespace UserToken.Tests
{
    /// <summary>
    /// One ut-emulator process on a free loopback port, and its control API
    /// (<c>/_emulator/...</c>). The binary is $UT_EMULATOR, else target/release/ut-emulator
    /// found above the test assembly.
    /// </summary>
    public sealed class Emulator : IDisposable
    {
        public const string ApiKey = "test-api-key";
        public const string SiteId = "-99";
        public const string Version = "6";
        public const string OwnerUsername = "Siteowner";
        public const string OwnerPassword = "apitest1234";
        public const string StaffUsername = "jdoe";
        public const string StaffPassword = "s3cret!";

        private readonly Process process;

        private Emulator(Process process, string url)
        {
            this.process = process;
            Url = url;
        }

        /// <summary>The base URL, e.g. http://127.0.0.1:40123.</summary>
        public string Url { get; private set; }

        public static Emulator Start()
        {
            var start = new ProcessStartInfo(FindBinary(), "--bind 127.0.0.1:0")
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
            };
            Process process = Process.Start(start);
            string firstLine = null;
            var listening = new ManualResetEvent(false);
            // Drains stdout for the emulator's whole life so that it can never block on a full pipe.
            var reader = new Thread(() =>
            {
                string line;
                while ((line = process.StandardOutput.ReadLine()) != null)
                {
                    if (firstLine == null)
                    {
                        firstLine = line;
                        listening.Set();
                    }
                }
                listening.Set();
            });
            reader.IsBackground = true;
            reader.Start();
            const string prefix = "listening on ";
            if (!listening.WaitOne(TimeSpan.FromSeconds(10)) || firstLine == null || !firstLine.StartsWith(prefix))
            {
                Kill(process);
                throw new InvalidOperationException("ut-emulator did not report its address; it said: " + firstLine);
            }
            return new Emulator(process, firstLine.Substring(prefix.Length).Trim());
        }

        public void Reset()
        {
            Send("POST", "/_emulator/reset", "");
        }

        /// <summary>Queues one fault object, e.g. {"kind":"hang","call":"issue"}.</summary>
        public void AddFault(string faultJson)
        {
            Send("POST", "/_emulator/faults", faultJson);
        }

        public void AdvanceClock(long seconds)
        {
            Send("POST", "/_emulator/clock", "{\"advance_s\":" + seconds + "}");
        }

        /// <summary>The requests received so far, oldest first.</summary>
        public List<RecordedRequest> RequestList()
        {
            return JsonContract.Read<RequestsDocument>(Send("GET", "/_emulator/requests", null)).Requests;
        }

        /// <summary>The value of a header (name in lower case) of a recorded request.</summary>
        public static string Header(RecordedRequest request, string name)
        {
            foreach (string[] pair in request.Headers)
            {
                if (pair[0] == name)
                {
                    return pair[1];
                }
            }
            return null;
        }

        /// <summary>How many issue, renew or revoke requests reached the emulator, or
        /// "requests" for all of them: {"requests":N,"issue":n,"renew":n,"revoke":n}.</summary>
        public long Count(string call)
        {
            return JsonContract.Read<Dictionary<string, long>>(Send("GET", "/_emulator/stats", null))[call];
        }

        public string Send(string method, string path, string body)
        {
            var request = (HttpWebRequest)WebRequest.Create(Url + path);
            request.Method = method;
            request.Proxy = null;
            request.Timeout = 10000;
            if (body != null)
            {
                byte[] bytes = Encoding.UTF8.GetBytes(body);
                request.ContentType = "application/json";
                request.ContentLength = bytes.Length;
                using (Stream stream = request.GetRequestStream())
                {
                    stream.Write(bytes, 0, bytes.Length);
                }
            }
            try
            {
                using (var response = (HttpWebResponse)request.GetResponse())
                using (var reader = new StreamReader(response.GetResponseStream(), Encoding.UTF8))
                {
                    return reader.ReadToEnd();
                }
            }
            catch (WebException e)
            {
                string detail = "";
                if (e.Response != null)
                {
                    using (var reader = new StreamReader(e.Response.GetResponseStream(), Encoding.UTF8))
                    {
                        detail = reader.ReadToEnd();
                    }
                }
                throw new InvalidOperationException(method + " " + path + " failed: " + e.Message + " " + detail, e);
            }
        }

        public void Dispose()
        {
            Kill(process);
        }

        private static void Kill(Process process)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill();
                }
                process.WaitForExit(5000);
            }
            catch (InvalidOperationException)
            {
                // It had already exited.
            }
            process.Dispose();
        }

        private static string FindBinary()
        {
            string configured = Environment.GetEnvironmentVariable("UT_EMULATOR");
            if (!string.IsNullOrEmpty(configured))
            {
                return configured;
            }
            var directory = new DirectoryInfo(AppDomain.CurrentDomain.BaseDirectory);
            for (; directory != null; directory = directory.Parent)
            {
                string candidate = Path.Combine(Path.Combine(Path.Combine(directory.FullName, "target"), "release"),
                    "ut-emulator");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
            throw new FileNotFoundException("ut-emulator not found: set UT_EMULATOR or run `make build` at the repository root");
        }
    }

    /// <summary>One request the emulator received: {"method","path","headers":[[name,value],...],"body",...}.</summary>
    [DataContract]
    public sealed class RecordedRequest
    {
        [DataMember(Name = "method", IsRequired = false)]
        public string Method { get; set; }

        [DataMember(Name = "path", IsRequired = false)]
        public string Path { get; set; }

        [DataMember(Name = "headers", IsRequired = false)]
        public List<string[]> Headers { get; set; }

        [DataMember(Name = "body", IsRequired = false)]
        public string Body { get; set; }
    }

    /// <summary>{"requests":[...]}</summary>
    [DataContract]
    internal sealed class RequestsDocument
    {
        [DataMember(Name = "requests", IsRequired = false)]
        public List<RecordedRequest> Requests { get; set; }
    }
}
