package org.ringfellow.fellowship.internal.tls;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.ringfellow.api.node.NodeIdentity;

/**
 * This node's channel credentials.
 *
 * <p>The node's Ed25519 private key never leaves {@link NodeIdentity} (it only signs), so it
 * cannot be handed to JSSE as a TLS key. Instead, like libp2p's TLS handshake, each start makes an
 * ephemeral P-256 key and a self-signed certificate for it, and the node key signs the binding
 * {@code "ringfellow-fellowship-tls-v1:" || SubjectPublicKeyInfo(TLS key)}. The certificate carries the
 * node's public key and that signature in a non-critical extension. A peer that checks the
 * binding knows the TLS key speaks for the node id, and TLS 1.3's CertificateVerify proves the
 * peer holds the TLS key. Hostnames and CAs play no part.
 */
public final class ChannelCredentials {

    /** An OID of our own, under the UUID arc (ITU-T X.667), so nobody has to register one. */
    public static final String BINDING_OID = "2.25.202257096022613843502711112513111114360";
    static final byte[] BINDING_CONTEXT = "ringfellow-fellowship-tls-v1:".getBytes(StandardCharsets.US_ASCII);

    private final PrivateKey privateKey;
    private final X509Certificate certificate;

    private ChannelCredentials(PrivateKey privateKey, X509Certificate certificate) {
        this.privateKey = privateKey;
        this.certificate = certificate;
    }

    /**
     * Makes fresh credentials bound to the node key.
     *
     * @param identity the node identity that signs the binding
     * @param validity how long the certificate is valid
     * @return the credentials
     */
    public static ChannelCredentials create(NodeIdentity identity, Duration validity) {
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
            gen.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair tls = gen.generateKeyPair();
            byte[] spki = tls.getPublic().getEncoded();
            byte[] signature = identity.sign(concat(BINDING_CONTEXT, spki));
            ASN1EncodableVector v = new ASN1EncodableVector();
            v.add(new DEROctetString(identity.publicKey()));
            v.add(new DEROctetString(signature));
            X500Name name = new X500Name("CN=" + identity.id().hex());
            Instant now = Instant.now();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name,
                    new BigInteger(64, new SecureRandom()).add(BigInteger.ONE), Date.from(now.minus(Duration.ofHours(1))),
                    Date.from(now.plus(validity)), name, tls.getPublic());
            builder.addExtension(new ASN1ObjectIdentifier(BINDING_OID), false, new DERSequence(v));
            ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(tls.getPrivate());
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(builder.build(signer));
            return new ChannelCredentials(tls.getPrivate(), cert);
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot make the channel certificate: " + e, e);
        }
    }

    /** Returns the TLS private key (ephemeral, never stored). */
    public PrivateKey privateKey() {
        return privateKey;
    }

    /** Returns the self-signed certificate carrying the node-key binding. */
    public X509Certificate certificate() {
        return certificate;
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
