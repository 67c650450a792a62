//! HTTPS: a throwaway certificate authority and a server certificate for the loopback names,
//! generated at start, so clients can be tested against a real TLS handshake, trusting the
//! authority (by its PEM) or not.

use std::io;
use std::sync::Arc;

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::ServerConfig;
use tokio_rustls::TlsAcceptor;

/// The names the server certificate is valid for: whatever loopback spelling a test uses.
const SERVER_NAMES: [&str; 3] = ["localhost", "127.0.0.1", "::1"];

/// A generated authority and the acceptor that serves its server certificate.
pub(crate) struct Tls {
    /// The authority's certificate, PEM: what a client adds to its trust roots.
    pub(crate) ca_pem: String,
    pub(crate) acceptor: TlsAcceptor,
}

fn failed(e: impl std::fmt::Display) -> io::Error {
    io::Error::other(format!("cannot make the TLS certificate: {e}"))
}

impl Tls {
    /// A fresh authority and server key every time: nothing secret is ever stored or reused.
    /// Without `resumption` every connection costs a full handshake, whatever the client
    /// remembers from an earlier one.
    pub(crate) fn generate(resumption: bool) -> io::Result<Tls> {
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(failed)?;
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params.distinguished_name.push(DnType::CommonName, "ut-emulator test authority");
        ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let ca_key = KeyPair::generate().map_err(failed)?;
        let ca_cert = ca_params.self_signed(&ca_key).map_err(failed)?;
        let ca = Issuer::new(ca_params, ca_key);

        let names: Vec<String> = SERVER_NAMES.iter().map(|n| n.to_string()).collect();
        let mut server_params = CertificateParams::new(names).map_err(failed)?;
        server_params.distinguished_name.push(DnType::CommonName, "localhost");
        let server_key = KeyPair::generate().map_err(failed)?;
        let server_cert = server_params.signed_by(&server_key, &ca).map_err(failed)?;

        // The chain carries the authority too, as real servers send their intermediates.
        let chain: Vec<CertificateDer<'static>> = vec![server_cert.der().clone(), ca_cert.der().clone()];
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(server_key.serialize_der()));
        // ring, named explicitly, so the process-wide default provider never matters.
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(failed)?
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .map_err(failed)?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        if !resumption {
            // No session is kept (TLS 1.2 session ids, TLS 1.3 stateful tickets) and no
            // TLS 1.3 ticket is sent; the default ticketer already never makes stateless ones.
            config.session_storage = Arc::new(rustls::server::NoServerSessionStorage {});
            config.send_tls13_tickets = 0;
        }
        Ok(Tls { ca_pem: ca_cert.pem(), acceptor: TlsAcceptor::from(Arc::new(config)) })
    }
}
