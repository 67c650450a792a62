// session-bench.exe --url BASE [--threads N] [--warmup S] [--seconds S]
//
// The C# binding's UserTokenSession.GetToken() on a fresh token (one session, made before
// the warm-up, shared by every thread): the call an app makes before each API call. It sends
// nothing, so calls are counted in batches. Prints one JSON line for the measured window, with
// the keys of the C and Python benches, and the client's request counts read after the run;
// a run in which the session sent anything but its first issue fails.
using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Threading;
using UserToken;

static class SessionBench
{
    const int Batch = 64;
    static long completed;
    static long failed;
    static volatile bool stopping;

    static int Main(string[] args)
    {
        string url = null;
        int threads = 1;
        double warmup = 0.5, seconds = 2.0;
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            string v = args[i + 1];
            switch (args[i])
            {
                case "--url": url = v; break;
                case "--threads": threads = int.Parse(v, CultureInfo.InvariantCulture); break;
                case "--warmup": warmup = double.Parse(v, CultureInfo.InvariantCulture); break;
                case "--seconds": seconds = double.Parse(v, CultureInfo.InvariantCulture); break;
                default: return Usage();
            }
        }
        if (url == null || threads < 1 || args.Length % 2 != 0) return Usage();

        var options = new UserTokenOptions { BaseUrl = url, ApiKey = "test-api-key", UserAgent = "usertoken-bench/1" };
        using (var client = new UserTokenClient(options))
        using (UserTokenSession session = client.CreateSession("6", "-99", "Siteowner", "apitest1234"))
        {
            var workers = new Thread[threads];
            for (int t = 0; t < threads; t++)
            {
                workers[t] = new Thread(() => Work(session));
                workers[t].Start();
            }
            Process self = Process.GetCurrentProcess();
            Thread.Sleep(TimeSpan.FromSeconds(warmup));
            long c0 = Interlocked.Read(ref completed);
            self.Refresh();
            TimeSpan cpu0 = self.TotalProcessorTime, user0 = self.UserProcessorTime;
            Stopwatch window = Stopwatch.StartNew();
            Thread.Sleep(TimeSpan.FromSeconds(seconds));
            long c1 = Interlocked.Read(ref completed);
            window.Stop();
            self.Refresh();
            TimeSpan cpu1 = self.TotalProcessorTime, user1 = self.UserProcessorTime;
            stopping = true;
            foreach (Thread w in workers) w.Join();

            UserTokenStats stats = client.Stats;
            long calls = c1 - c0;
            double secs = window.Elapsed.TotalSeconds;
            double per = calls > 0 ? 1e6 / calls : 0;
            Console.WriteLine(string.Format(CultureInfo.InvariantCulture,
                "{{\"mode\":\"cs-session\",\"threads\":{0},\"calls\":{1},\"failed\":{2},\"seconds\":{3:F4}," +
                "\"calls_per_s\":{4:F1},\"cpu_us_per_call\":{5:F3},\"user_us_per_call\":{6:F3}," +
                "\"peak_rss_kib\":{7},\"issue_requests\":{8},\"renew_requests\":{9},\"revoke_requests\":{10}}}",
                threads, calls, Interlocked.Read(ref failed), secs, calls / secs,
                (cpu1 - cpu0).TotalSeconds * per, (user1 - user0).TotalSeconds * per, PeakRssKib(),
                stats.Issue.Requests, stats.Renew.Requests, stats.Revoke.Requests));
            if (stats.Issue.Requests != 1 || stats.Renew.Requests != 0 || stats.Revoke.Requests != 0)
            {
                Console.Error.WriteLine("session-bench: the session sent requests while it was measured ({0}; " +
                                        "expected the one issue of CreateSession): not the fast path", stats);
                return 1;
            }
            return Interlocked.Read(ref failed) != 0 || calls == 0 ? 1 : 0;
        }
    }

    static void Work(UserTokenSession session)
    {
        while (!stopping)
        {
            long bad = 0;
            for (int i = 0; i < Batch; i++)
            {
                try
                {
                    if (session.GetToken().Length == 0) bad++;
                }
                catch (UserTokenException e)
                {
                    if (Interlocked.Read(ref failed) == 0) Console.Error.WriteLine("session-bench: GetToken: {0}", e.Message);
                    bad++;
                }
            }
            Interlocked.Add(ref completed, Batch);
            if (bad != 0) Interlocked.Add(ref failed, bad);
        }
    }

    // VmHWM: this process image's peak RSS, as the other benches report it.
    static long PeakRssKib()
    {
        foreach (string line in File.ReadAllLines("/proc/self/status"))
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                return long.Parse(line.Substring(6).Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        return 0;
    }

    static int Usage()
    {
        Console.Error.WriteLine("usage: session-bench.exe --url BASE [--threads N] [--warmup S] [--seconds S]");
        return 2;
    }
}
