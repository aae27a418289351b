package org.ringfellow.ring.internal.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.ringfellow.api.node.Labels;
import org.ringfellow.api.node.Resources;
import org.ringfellow.api.ring.Endpoint;
import org.ringfellow.api.ring.ResourceAdvert;
import org.ringfellow.ring.internal.crypto.LocalIdentity;
import org.ringfellow.ring.internal.crypto.SignatureVerifier;

/** The signed record carries every label the node accepts: a bundle's published label is never pushed out. */
class RecordLabelsTest {

    private static final LocalIdentity ID = LocalIdentity.generate(LocalIdentity.seeded(7));

    private static String chars(char c, int n) {
        return String.valueOf(c).repeat(n);
    }

    @Test
    void givenOrdinaryOperatorLabels_whenSigned_thenThePublishedLabelsAreStillInTheRecord() throws Exception {
        Map<String, String> labels = new TreeMap<>();
        for (int i = 0; i < Labels.MAX_OPERATOR_LABELS; i++) {
            labels.put("label" + i, "eu-west-" + i);
        }
        labels.put(Labels.FELLOWSHIP, "7947");
        labels.put(Labels.HTTP, "8181");
        ResourceAdvert advert = new ResourceAdvert(new Resources(1000, 1L << 30, 0), Resources.NONE,
                Set.of("runc"), Set.of("bundle"), labels);
        MemberRecord r = MemberRecord.sign(ID, "n1", new Endpoint("10.0.0.1", 7946), 1, false, advert);
        MemberRecord decoded = MemberRecord.decode(r.encoded());
        assertEquals("7947", decoded.advert().labels().get(Labels.FELLOWSHIP));
        assertEquals("8181", decoded.advert().labels().get(Labels.HTTP));
        assertEquals(labels, decoded.advert().labels());
    }

    @Test
    void givenTheLargestRecordTheLimitsAllow_whenSigned_thenEveryLabelFitsTheRecordBound() throws Exception {
        Map<String, String> labels = new TreeMap<>();
        for (int i = 0; i < Labels.MAX_OPERATOR_LABELS; i++) {
            String key = (char) ('a' + i) + chars('k', Labels.MAX_OPERATOR_KEY - 1);
            labels.put(key, chars('v', Labels.MAX_OPERATOR_VALUE));
        }
        for (int i = 0; i < Labels.MAX_PUBLISHED_LABELS; i++) {
            String key = Labels.PUBLISHED_PREFIX + (char) ('a' + i)
                    + chars('p', Labels.MAX_PUBLISHED_KEY - Labels.PUBLISHED_PREFIX.length() - 1);
            labels.put(key, chars('~', Labels.MAX_PUBLISHED_VALUE));
        }
        labels.forEach(Labels::check);
        Set<String> drivers = new TreeSet<>();
        Set<String> runtimes = new TreeSet<>();
        for (int i = 0; i < MemberRecord.MAX_ADVERTISED_TYPES; i++) {
            drivers.add((char) ('a' + i) + chars('d', MemberRecord.MAX_ADVERTISED_TYPE - 1));
            runtimes.add((char) ('a' + i) + chars('r', MemberRecord.MAX_ADVERTISED_TYPE - 1));
        }
        Resources big = new Resources(Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE);
        ResourceAdvert advert = new ResourceAdvert(big, big, drivers, runtimes, labels);
        MemberRecord r = MemberRecord.sign(ID, chars('n', Limits.MAX_NAME), new Endpoint(chars('h', Limits.MAX_HOST),
                65535), Long.MAX_VALUE, false, advert);
        assertTrue(r.encoded().length <= Limits.MAX_RECORD, r.encoded().length + " bytes");
        MemberRecord decoded = MemberRecord.decode(r.encoded());
        assertEquals(labels, decoded.advert().labels());
        assertEquals(drivers, decoded.advert().drivers());
        assertEquals(runtimes, decoded.advert().runtimes());
        assertTrue(decoded.verify(new SignatureVerifier(10)));
    }
}
