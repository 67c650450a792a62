using System;
using System.Threading;
using System.Threading.Tasks;

namespace UserToken
{
    /// <summary>
    /// One async request between its start and its callback: the task to complete, how to read
    /// a success, and the client, referenced so that it cannot be finalized (which would cancel
    /// the request) while nothing but the pending request refers to it.
    /// </summary>
    internal abstract class PendingCall
    {
        internal abstract void Complete(uint result, string json);

        internal abstract void Fail(Exception error);
    }

    internal sealed class PendingCall<T> : PendingCall
    {
        // Continuations must not run on the callback's thread: that is a library thread, or
        // the thread inside ut_client_free when Dispose cancels the request.
        private readonly TaskCompletionSource<T> completion =
            new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);

        private readonly Func<string, T> read;
        private readonly CancellationToken cancellation;
        private readonly object owner;

        internal PendingCall(object owner, Func<string, T> read, CancellationToken cancellation)
        {
            this.owner = owner;
            this.read = read;
            this.cancellation = cancellation;
        }

        internal Task<T> Task
        {
            get { return completion.Task; }
        }

        internal override void Complete(uint result, string json)
        {
            GC.KeepAlive(owner);
            if (result == (uint)UserTokenResult.Ok)
            {
                T value;
                try
                {
                    value = read(json);
                }
                catch (Exception e)
                {
                    completion.TrySetException(e);
                    return;
                }
                completion.TrySetResult(value);
            }
            else if (result == (uint)UserTokenResult.Cancelled && cancellation.IsCancellationRequested)
            {
                // Cancelled through the caller's token: the .NET way to say so.
                completion.TrySetCanceled(cancellation);
            }
            else
            {
                // Failures, and UT_CANCELLED from disposing the client, carry the error document.
                completion.TrySetException(UserTokenException.FromDocument(result, json));
            }
        }

        internal override void Fail(Exception error)
        {
            completion.TrySetException(error);
        }
    }
}
