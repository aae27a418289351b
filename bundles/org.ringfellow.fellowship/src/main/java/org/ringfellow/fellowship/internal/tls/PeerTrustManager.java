package org.ringfellow.fellowship.internal.tls;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.X509ExtendedTrustManager;
import org.ringfellow.api.node.NodeIdentity;

/**
 * Decides, during the TLS handshake, whether a peer may talk to this node. A peer proves its
 * node id by the certificate binding (see {@link ChannelCredentials}); then the {@link Gate}
 * decides from the roster. An outgoing connection accepts only the node it dialled.
 */
public final class PeerTrustManager extends X509ExtendedTrustManager {

    /** The roster side of the decision. */
    public interface Gate {
        /**
         * Tells whether a peer may open a connection for a purpose.
         *
         * @param peer the authenticated peer
         * @param purpose what the connection is for
         * @return true to accept
         */
        boolean admit(PeerIdentity peer, Purpose purpose);
    }

    /** What a dialling side expects of the server: its node id and key. */
    public record Expectation(org.ringfellow.api.node.NodeId node, Purpose purpose) {
    }

    private final NodeIdentity verifier;
    private final Gate gate;
    private final Map<SSLEngine, Expectation> expectations = new ConcurrentHashMap<>();
    private final Map<SSLEngine, PeerIdentity> verified = new ConcurrentHashMap<>();
    private final AtomicLong rejected = new AtomicLong();

    public PeerTrustManager(NodeIdentity verifier, Gate gate) {
        this.verifier = verifier;
        this.gate = gate;
    }

    /** Registers what an outgoing engine must find at the other end. */
    public void expect(SSLEngine engine, Expectation expectation) {
        expectations.put(engine, expectation);
    }

    /** Returns, and forgets, the peer a finished handshake proved. */
    public Optional<PeerIdentity> takeVerified(SSLEngine engine) {
        expectations.remove(engine);
        return Optional.ofNullable(verified.remove(engine));
    }

    /** Forgets an engine whose connection failed. */
    public void forget(SSLEngine engine) {
        expectations.remove(engine);
        verified.remove(engine);
    }

    /** Returns how many handshakes were refused. */
    public long rejected() {
        return rejected.get();
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        PeerIdentity peer = authenticate(chain);
        Optional<Purpose> purpose = requestedPurpose(engine.getHandshakeSession());
        if (purpose.isEmpty() || !gate.admit(peer, purpose.get())) {
            rejected.incrementAndGet();
            throw new CertificateException("peer " + peer + " is not admitted for "
                    + purpose.map(Purpose::toString).orElse("an unknown purpose"));
        }
        verified.put(engine, peer);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        PeerIdentity peer = authenticate(chain);
        Expectation e = expectations.get(engine);
        if (e == null || !e.node().equals(peer.node())) {
            rejected.incrementAndGet();
            throw new CertificateException("the server is " + peer + ", not the member dialled");
        }
        verified.put(engine, peer);
    }

    private PeerIdentity authenticate(X509Certificate[] chain) throws CertificateException {
        Optional<PeerIdentity> peer = PeerCertificates.verify(chain, verifier);
        if (peer.isEmpty()) {
            rejected.incrementAndGet();
            throw new CertificateException("the peer's certificate is not bound to a node key");
        }
        return peer.get();
    }

    static Optional<Purpose> requestedPurpose(SSLSession session) {
        if (session instanceof ExtendedSSLSession ext) {
            for (SNIServerName name : ext.getRequestedServerNames()) {
                if (name instanceof SNIHostName host) {
                    return Purpose.parse(host.getAsciiName());
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        throw new CertificateException("channels run on SSLEngine only");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        throw new CertificateException("channels run on SSLEngine only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("channels run on SSLEngine only");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("channels run on SSLEngine only");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        // Empty: the client sends its (self-signed) certificate whatever CA names the server lists.
        return new X509Certificate[0];
    }
}
