package org.ringfellow.fellowship.internal.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.Date;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.ringfellow.api.fellowship.FellowshipId;
import org.ringfellow.fellowship.internal.TestIdentity;

class PeerCertificatesTest {

    @Test
    void givenGenuineCredentials_whenVerified_thenTheNodeIdIsTheHashOfTheBoundKey() {
        TestIdentity id = new TestIdentity();
        ChannelCredentials c = ChannelCredentials.create(id, Duration.ofDays(1));
        Optional<PeerIdentity> peer = PeerCertificates.verify(new X509Certificate[] {c.certificate()}, id);
        assertEquals(id.id(), peer.orElseThrow().node());
        assertTrue(peer.get().hasKey(java.util.Base64.getEncoder().encodeToString(id.publicKey())));
    }

    @Test
    void givenACertificateClaimingAnotherNodesKey_whenVerified_thenRefused() throws Exception {
        TestIdentity victim = new TestIdentity();
        TestIdentity attacker = new TestIdentity();
        // The attacker copies the victim's public key into the extension but can only sign with its own key.
        assertEquals(Optional.empty(), PeerCertificates.verify(new X509Certificate[] {forged(victim.publicKey(),
                attacker)}, victim));
        // Two certificates, or none, are refused too.
        ChannelCredentials c = ChannelCredentials.create(victim, Duration.ofDays(1));
        assertEquals(Optional.empty(), PeerCertificates.verify(new X509Certificate[] {c.certificate(),
                c.certificate()}, victim));
        assertEquals(Optional.empty(), PeerCertificates.verify(new X509Certificate[0], victim));
    }

    @Test
    void givenACertificateWithoutTheBinding_whenVerified_thenRefused() throws Exception {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
        gen.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair kp = gen.generateKeyPair();
        X500Name name = new X500Name("CN=plain");
        X509Certificate plain = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(name,
                BigInteger.ONE, new Date(System.currentTimeMillis() - 60_000), new Date(System.currentTimeMillis()
                        + 60_000), name, kp.getPublic()).build(new JcaContentSignerBuilder("SHA256withECDSA")
                                .build(kp.getPrivate())));
        assertEquals(Optional.empty(), PeerCertificates.verify(new X509Certificate[] {plain}, new TestIdentity()));
    }

    /** A self-signed certificate whose binding names {@code claimedKey} but is signed by {@code signer}. */
    static X509Certificate forged(byte[] claimedKey, TestIdentity signer) throws Exception {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
        gen.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair kp = gen.generateKeyPair();
        ASN1EncodableVector v = new ASN1EncodableVector();
        v.add(new DEROctetString(claimedKey));
        v.add(new DEROctetString(signer.sign(ChannelCredentials.concat(ChannelCredentials.BINDING_CONTEXT,
                kp.getPublic().getEncoded()))));
        X500Name name = new X500Name("CN=forged");
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, BigInteger.TEN,
                new Date(System.currentTimeMillis() - 60_000), new Date(System.currentTimeMillis() + 60_000), name,
                kp.getPublic());
        b.addExtension(new ASN1ObjectIdentifier(ChannelCredentials.BINDING_OID), false, new DERSequence(v));
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA")
                .build(kp.getPrivate())));
    }

    @Test
    void givenPurposes_whenWrittenAsServerNamesAndParsed_thenTheyComeBackAndForeignNamesDoNot() {
        for (Purpose p : new Purpose[] {Purpose.INVITE, Purpose.of(new FellowshipId("a")),
                Purpose.of(new FellowshipId("x".repeat(64))), Purpose.of(new FellowshipId("web.calc_v2-1"))}) {
            String name = p.serverName();
            new javax.net.ssl.SNIHostName(name); // JSSE accepts it as a host name
            assertEquals(Optional.of(p), Purpose.parse(name));
        }
        assertEquals(Optional.empty(), Purpose.parse("example.com"));
        assertEquals(Optional.empty(), Purpose.parse("zz.f.ringfellow"));
        assertEquals(Optional.empty(), Purpose.parse("x4142.f.ringfellow")); // "AB": not a valid fellowship id
    }
}
