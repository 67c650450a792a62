//! Sockets: the listener, the accept loop, and one HTTP/1.1 connection per accepted socket.

use std::io;
use std::net::{SocketAddr, ToSocketAddrs};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::io::{copy, sink, AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::sync::{oneshot, Notify};
use tokio::time::timeout;
use tokio_rustls::TlsAcceptor;

use crate::dispatch;
use crate::state::State;

/// Benchmarks open many connections at once; the usual 128 would drop some of them.
const BACKLOG: u32 = 1024;

/// A hung connection is closed after this long, so a forgotten test cannot hold it forever.
const HANG_LIMIT: Duration = Duration::from_secs(600);

/// A client that stalls in the TLS handshake (or gives up on the certificate) is let go after
/// this long, so it holds no task or socket.
const HANDSHAKE_LIMIT: Duration = Duration::from_secs(10);

/// What a connection runs on: plain TCP, or TLS over TCP. The TCP socket underneath is what a
/// `drop` fault resets.
trait Socket: AsyncRead + AsyncWrite + Unpin + Send + 'static {
    fn tcp(&self) -> &TcpStream;
}

impl Socket for TcpStream {
    fn tcp(&self) -> &TcpStream {
        self
    }
}

impl Socket for tokio_rustls::server::TlsStream<TcpStream> {
    fn tcp(&self) -> &TcpStream {
        self.get_ref().0
    }
}

/// How a connection ends without answering its request.
#[derive(Clone, Copy)]
pub(crate) enum Ending {
    /// A TCP reset at once.
    Reset,
    /// Silence until the client leaves, the limit passes, or the emulator stops.
    Hang,
}

/// How a request asks its connection to end (the `drop` and `hang` faults).
#[derive(Default)]
pub(crate) struct Hangup {
    requested: Notify,
    ending: Mutex<Option<Ending>>,
}

impl Hangup {
    pub(crate) fn request(&self, ending: Ending) {
        *self.ending.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(ending);
        self.requested.notify_one();
    }

    async fn requested(&self) -> Ending {
        loop {
            self.requested.notified().await;
            if let Some(ending) = *self.ending.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) {
                return ending;
            }
        }
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

/// Accepts connections until `stop` fires (or its sender is dropped); over TLS when given
/// an acceptor.
pub(crate) async fn serve(
    listener: TcpListener,
    state: Arc<State>,
    tls: Option<TlsAcceptor>,
    mut stop: oneshot::Receiver<()>,
) {
    loop {
        let accepted = tokio::select! {
            biased;
            _ = &mut stop => return,
            accepted = listener.accept() => accepted,
        };
        match accepted {
            Ok((stream, _)) => {
                // Small responses must leave at once; Nagle would hold them for the client's
                // delayed ACK.
                let _ = stream.set_nodelay(true);
                let state = Arc::clone(&state);
                match &tls {
                    None => drop(tokio::spawn(serve_socket(stream, state))),
                    Some(acceptor) => {
                        let handshake = acceptor.accept(stream);
                        tokio::spawn(async move {
                            if let Ok(Ok(stream)) = timeout(HANDSHAKE_LIMIT, handshake).await {
                                serve_socket(stream, state).await;
                            }
                        });
                    }
                }
            }
            // Usually out of file descriptors: wait for some to be freed rather than spin.
            Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
        }
    }
}

async fn serve_socket(stream: impl Socket, state: Arc<State>) {
    let hangup = Arc::new(Hangup::default());
    let service = {
        let hangup = Arc::clone(&hangup);
        service_fn(move |request| dispatch::respond(request, Arc::clone(&state), Arc::clone(&hangup)))
    };
    let mut connection = http1::Builder::new().serve_connection(TokioIo::new(stream), service);
    let ending = tokio::select! {
        _ = &mut connection => return,
        ending = hangup.requested() => ending,
    };
    let mut stream = connection.into_parts().io.into_inner();
    match ending {
        // Closing with a zero linger sends RST instead of FIN, which is what a crashed
        // server or a middlebox cutting the connection looks like to the client.
        Ending::Reset => {
            let _ = stream.tcp().set_zero_linger();
        }
        // Whatever the client sends is ignored, but its leaving is noticed, so a test that
        // times out does not leave the socket behind for the whole limit.
        Ending::Hang => {
            let _ = timeout(HANG_LIMIT, copy(&mut stream, &mut sink())).await;
        }
    }
}
