using System;
using System.Collections.Generic;

namespace UserToken
{
    /// <summary>
    /// Frees every client still alive when the process exits or the AppDomain unloads.
    /// On Mono, a library thread that has run a callback stays attached to the runtime, and
    /// Mono's shutdown waits for every attached thread to end; a client's threads end only
    /// when it is freed, so one client never disposed would hang the exit. (.NET does not
    /// wait for such threads; there this only frees the clients a little earlier.)
    /// </summary>
    internal static class LiveClients
    {
        private static readonly object Gate = new object();

        // Weak, so that a registered client can still be collected and finalized; tracking
        // resurrection, so that one awaiting finalization is still found and freed here.
        private static readonly List<WeakReference> Clients = new List<WeakReference>();
        private static int pruneAt = 16;

        static LiveClients()
        {
            AppDomain.CurrentDomain.ProcessExit += FreeAll;
            AppDomain.CurrentDomain.DomainUnload += FreeAll;
        }

        internal static void Add(ClientHandle client)
        {
            lock (Gate)
            {
                if (Clients.Count >= pruneAt)
                {
                    Clients.RemoveAll(IsGone);
                    pruneAt = Math.Max(16, Clients.Count * 2);
                }
                Clients.Add(new WeakReference(client, true));
            }
        }

        private static bool IsGone(WeakReference reference)
        {
            var client = reference.Target as ClientHandle;
            return client == null || client.IsClosed;
        }

        private static void FreeAll(object sender, EventArgs e)
        {
            List<WeakReference> clients;
            lock (Gate)
            {
                clients = new List<WeakReference>(Clients);
                Clients.Clear();
            }
            foreach (WeakReference reference in clients)
            {
                var client = reference.Target as ClientHandle;
                if (client != null)
                {
                    // A no-op when it was freed already; deferred to the end of a call in flight.
                    client.Dispose();
                }
            }
        }
    }
}
