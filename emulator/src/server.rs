//! Sockets: the listener, the accept loop, and one HTTP/1.1 connection per accepted socket.

use std::io;
use std::net::{SocketAddr, ToSocketAddrs};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::sync::{oneshot, Notify};

use crate::dispatch;
use crate::state::State;

/// Benchmarks open many connections at once; the usual 128 would drop some of them.
const BACKLOG: u32 = 1024;

/// How a request asks its connection to end without answering (the `hang` and `drop` faults).
#[derive(Default)]
pub(crate) struct Hangup {
    requested: Notify,
    reset: AtomicBool,
}

impl Hangup {
    /// Ends the connection with an orderly close.
    pub(crate) fn close(&self) {
        self.requested.notify_one();
    }

    /// Ends the connection with a TCP reset.
    pub(crate) fn reset(&self) {
        self.reset.store(true, Ordering::SeqCst);
        self.requested.notify_one();
    }

    /// Waits for a request; true when it asks for a reset.
    async fn requested(&self) -> bool {
        self.requested.notified().await;
        self.reset.load(Ordering::SeqCst)
    }
}

/// Binds the first address `bind` resolves to that can be bound. Needs a runtime context.
pub(crate) fn listen(bind: &str) -> io::Result<TcpListener> {
    let mut failure = None;
    for addr in bind.to_socket_addrs()? {
        match listen_on(addr) {
            Ok(listener) => return Ok(listener),
            Err(e) => failure = Some(e),
        }
    }
    Err(failure.unwrap_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, format!("{bind} names no address"))))
}

fn listen_on(addr: SocketAddr) -> io::Result<TcpListener> {
    let socket = if addr.is_ipv4() { TcpSocket::new_v4()? } else { TcpSocket::new_v6()? };
    // Lets a fixed port be bound again at once while old connections linger in TIME_WAIT.
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(BACKLOG)
}

/// Accepts connections until `stop` fires (or its sender is dropped).
pub(crate) async fn serve(listener: TcpListener, state: Arc<State>, mut stop: oneshot::Receiver<()>) {
    loop {
        let accepted = tokio::select! {
            biased;
            _ = &mut stop => return,
            accepted = listener.accept() => accepted,
        };
        match accepted {
            Ok((stream, _)) => {
                tokio::spawn(serve_socket(stream, Arc::clone(&state)));
            }
            // Usually out of file descriptors: wait for some to be freed rather than spin.
            Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
        }
    }
}

async fn serve_socket(stream: TcpStream, state: Arc<State>) {
    // Small responses must leave at once; Nagle would hold them for the client's delayed ACK.
    let _ = stream.set_nodelay(true);
    let hangup = Arc::new(Hangup::default());
    let service = {
        let hangup = Arc::clone(&hangup);
        service_fn(move |request| dispatch::respond(request, Arc::clone(&state), Arc::clone(&hangup)))
    };
    let mut connection = http1::Builder::new().serve_connection(TokioIo::new(stream), service);
    let reset = tokio::select! {
        _ = &mut connection => false,
        reset = hangup.requested() => reset,
    };
    if reset {
        // Closing with a zero linger sends RST instead of FIN, which is what a crashed
        // server or a middlebox cutting the connection looks like to the client.
        let _ = connection.into_parts().io.inner().set_zero_linger();
    }
}
