package org.ringfellow.fellowship.internal.tls;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIMatcher;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.StandardConstants;
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
    private final Map<SSLEngine, Purpose> requested = new ConcurrentHashMap<>();
    private final AtomicLong rejected = new AtomicLong();

    public PeerTrustManager(NodeIdentity verifier, Gate gate) {
        this.verifier = verifier;
        this.gate = gate;
    }

    /** Registers what an outgoing engine must find at the other end. */
    public void expect(SSLEngine engine, Expectation expectation) {
        expectations.put(engine, expectation);
    }

    /**
     * Returns the SNI matcher for an accepting engine. It notes the server name this very
     * ClientHello asked for: a resumed session's names would be those of the session it
     * resumes, so the purpose is never read from the session.
     */
    public SNIMatcher sniMatcher(SSLEngine engine) {
        return new SNIMatcher(StandardConstants.SNI_HOST_NAME) {
            @Override
            public boolean matches(SNIServerName name) {
                Optional<Purpose> p = name instanceof SNIHostName host ? Purpose.parse(host.getAsciiName())
                        : Optional.empty();
                p.ifPresent(x -> requested.put(engine, x));
                return p.isPresent();
            }
        };
    }

    /** Returns, and forgets, the peer this handshake proved (empty if no certificate was checked in it). */
    public Optional<PeerIdentity> takeVerified(SSLEngine engine) {
        expectations.remove(engine);
        return Optional.ofNullable(verified.remove(engine));
    }

    /** Returns, and forgets, the purpose an accepted connection asked for. */
    public Optional<Purpose> takePurpose(SSLEngine engine) {
        return Optional.ofNullable(requested.remove(engine));
    }

    /** Forgets an engine whose connection failed. */
    public void forget(SSLEngine engine) {
        expectations.remove(engine);
        verified.remove(engine);
        requested.remove(engine);
    }

    /** Returns how many handshakes were refused. */
    public long rejected() {
        return rejected.get();
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        PeerIdentity peer = authenticate(chain);
        Optional<Purpose> purpose = Optional.ofNullable(requested.get(engine));
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
