package org.ringfellow.fellowship.internal.tls;

import java.security.cert.X509Certificate;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.ringfellow.api.node.NodeId;
import org.ringfellow.api.node.NodeIdentity;

/** Checks a peer's channel certificate and extracts the node it speaks for. */
public final class PeerCertificates {

    static final int MAX_KEY = 128;
    static final int SIGNATURE = 64;

    private PeerCertificates() {
    }

    /**
     * Verifies a peer's chain: one self-signed, currently valid certificate whose TLS key is
     * bound to a node key by that node key's signature.
     *
     * @param chain the chain the peer presented
     * @param verifier verifies Ed25519 signatures
     * @return the peer, or empty if any check fails
     */
    public static Optional<PeerIdentity> verify(X509Certificate[] chain, NodeIdentity verifier) {
        try {
            if (chain == null || chain.length != 1) {
                return Optional.empty();
            }
            X509Certificate cert = chain[0];
            cert.checkValidity();
            cert.verify(cert.getPublicKey());
            byte[] ext = cert.getExtensionValue(ChannelCredentials.BINDING_OID);
            if (ext == null || ext.length > 512) {
                return Optional.empty();
            }
            ASN1Primitive inner = ASN1Primitive.fromByteArray(ASN1OctetString.getInstance(ext).getOctets());
            ASN1Sequence seq = ASN1Sequence.getInstance(inner);
            if (seq.size() != 2) {
                return Optional.empty();
            }
            byte[] nodeKey = ASN1OctetString.getInstance(seq.getObjectAt(0)).getOctets();
            byte[] signature = ASN1OctetString.getInstance(seq.getObjectAt(1)).getOctets();
            if (nodeKey.length > MAX_KEY || signature.length != SIGNATURE) {
                return Optional.empty();
            }
            byte[] signed = ChannelCredentials.concat(ChannelCredentials.BINDING_CONTEXT, cert.getPublicKey().getEncoded());
            if (!verifier.verify(nodeKey, signed, signature)) {
                return Optional.empty();
            }
            return Optional.of(new PeerIdentity(NodeId.ofPublicKey(nodeKey), nodeKey));
        } catch (java.security.GeneralSecurityException | java.io.IOException
                | RuntimeException e) {
            return Optional.empty();
        }
    }
}
