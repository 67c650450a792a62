//! Sockets: the listener, the accept loop, and one HTTP/1.1 connection per accepted socket.

use std::io;
use std::net::{SocketAddr, ToSocketAddrs};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use hyper::body::{Frame, SizeHint};
use hyper::header::{HeaderValue, CONNECTION};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::io::{copy, sink, AsyncRead, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::sync::oneshot;
use tokio::time::timeout;
use tokio_rustls::TlsAcceptor;

use crate::connection::{Connection, Ending, InProgress};
use crate::dispatch;
use crate::reply::{Body, HANG_LIMIT};
use crate::state::State;

/// Benchmarks open many connections at once; the usual 128 would drop some of them.
const BACKLOG: u32 = 1024;

/// A graceful close that cannot write its last bytes (a client that reads nothing) is cut.
const CLOSE_LIMIT: Duration = Duration::from_secs(1);

/// A client that stalls in the TLS handshake (or gives up on the certificate) is let go after
/// this long, so it holds no task or socket.
const HANDSHAKE_LIMIT: Duration = Duration::from_secs(10);

/// What a connection runs on: plain TCP, or TLS over TCP. The TCP socket underneath is what a
/// reset is sent on.
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

/// A reply's body that keeps its request in progress until it has been sent (or dropped).
struct Answer {
    body: Body,
    _in_progress: InProgress,
}

impl hyper::body::Body for Answer {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        Pin::new(&mut self.get_mut().body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

/// How the server treats every connection it accepts.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Policy {
    /// Close a keep-alive connection once idle this long; `None` never does.
    pub(crate) idle_timeout: Option<Duration>,
    /// Serve more than one request per connection. Without it every answer says
    /// `Connection: close` and the connection is closed after it, as some servers and load
    /// balancers do.
    pub(crate) keep_alive: bool,
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
/// an acceptor; serves each as `policy` says.
pub(crate) async fn serve(
    listener: TcpListener,
    state: Arc<State>,
    tls: Option<TlsAcceptor>,
    policy: Policy,
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
                    None => drop(tokio::spawn(serve_socket(stream, state, policy))),
                    Some(acceptor) => {
                        let handshake = acceptor.accept(stream);
                        tokio::spawn(async move {
                            if let Ok(Ok(stream)) = timeout(HANDSHAKE_LIMIT, handshake).await {
                                serve_socket(stream, state, policy).await;
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

async fn serve_socket(stream: impl Socket, state: Arc<State>, policy: Policy) {
    let connection = Arc::new(Connection::new(policy.idle_timeout));
    let service = {
        let connection = Arc::clone(&connection);
        service_fn(move |request| {
            let in_progress = connection.request_started();
            let reply = dispatch::respond(request, Arc::clone(&state), Arc::clone(&connection));
            async move {
                let mut reply = reply.await?;
                // hyper closes the connection after the answer without saying so; the header
                // tells the client not to send another request on it.
                if !policy.keep_alive {
                    reply.headers_mut().insert(CONNECTION, HeaderValue::from_static("close"));
                }
                Ok::<_, std::convert::Infallible>(reply.map(|body| Answer { body, _in_progress: in_progress }))
            }
        })
    };
    let mut http = http1::Builder::new().keep_alive(policy.keep_alive).serve_connection(TokioIo::new(stream), service);
    let ending = tokio::select! {
        _ = &mut http => return,
        ending = connection.ending() => ending,
    };
    let mut stream = http.into_parts().io.into_inner();
    match ending {
        // Closing with a zero linger sends RST instead of FIN.
        Ending::Reset => {
            let _ = stream.tcp().set_zero_linger();
        }
        // Whatever the client sends is ignored, but its leaving is noticed, so a test that
        // times out does not leave the socket behind for the whole limit.
        Ending::Hang => {
            let _ = timeout(HANG_LIMIT, copy(&mut stream, &mut sink())).await;
        }
        // Over TLS, shutdown sends close_notify first, as servers do.
        Ending::Close => {
            let _ = timeout(CLOSE_LIMIT, stream.shutdown()).await;
        }
    }
}
