using System;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;

namespace UserToken
{
    /// <summary>
    /// Turns the library's callback-based async calls into tasks. One static callback serves
    /// every request; user_data is a GCHandle to the request's <see cref="PendingCall"/>.
    /// </summary>
    internal static class AsyncCall
    {
        internal delegate uint Starter(Native.Callback callback, IntPtr userData, out ulong requestId);

        // Held in a static field for the life of the process: the library may call it whenever
        // any request is pending, and a collected delegate's thunk would crash it.
        private static readonly Native.Callback Completed = OnCompleted;

        internal static Task<T> Start<T>(object owner, string function, Starter start, Func<string, T> read,
            CancellationToken cancellation)
        {
            var call = new PendingCall<T>(owner, read, cancellation);
            if (cancellation.IsCancellationRequested)
            {
                call.Complete((uint)UserTokenResult.Cancelled, null);
                return call.Task;
            }
            GCHandle handle = GCHandle.Alloc(call);
            ulong requestId;
            uint result;
            try
            {
                result = start(Completed, GCHandle.ToIntPtr(handle), out requestId);
            }
            catch
            {
                // Nothing was started (e.g. the client was disposed): no callback will come.
                handle.Free();
                throw;
            }
            if (result != (uint)UserTokenResult.Ok)
            {
                // Rejected arguments: the library never calls back.
                handle.Free();
                call.Fail(UserTokenException.FromCode(result,
                    function + " rejected an argument (the blocking call's error names it)"));
                return call.Task;
            }
            if (cancellation.CanBeCanceled)
            {
                // ut_cancel on a finished request is a harmless UT_NOT_FOUND, so no race with
                // the callback needs guarding; the registration is dropped once the task ends.
                CancellationTokenRegistration registration =
                    cancellation.Register(CancelRequest, requestId);
                call.Task.ContinueWith(_ => registration.Dispose(), TaskContinuationOptions.ExecuteSynchronously);
            }
            return call.Task;
        }

        private static void CancelRequest(object requestId)
        {
            Native.ut_cancel((ulong)requestId);
        }

        private static void OnCompleted(IntPtr userData, uint result, IntPtr json)
        {
            // An exception must never unwind into the library's thread.
            PendingCall call = null;
            try
            {
                GCHandle handle = GCHandle.FromIntPtr(userData);
                call = (PendingCall)handle.Target;
                handle.Free();
                // json is borrowed for the duration of this callback: copied, never freed.
                call.Complete(result, Utf8.Read(json));
            }
            catch (Exception e)
            {
                if (call != null)
                {
                    call.Fail(e);
                }
            }
        }
    }
}
