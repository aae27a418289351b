package org.ringfellow.bench.fuzz;

import java.util.Arrays;
import java.util.List;
import org.ringfellow.job.internal.wire.JobMessage;
import org.ringfellow.job.internal.wire.JobWire;
import org.ringfellow.job.internal.wire.WireException;

/**
 * The job protocol between a job's submitter and its members ({@code JobWire.decode}, JSON in
 * fellowship messages): the first byte picks the topic, the rest is the payload. A decoded
 * message must encode, and its encoding decode to a message encoding the same.
 */
public final class JobWireTarget {

    private static final JobWire WIRE = new JobWire();
    private static final List<String> TOPICS = List.of(JobWire.FETCH, JobWire.LEASES, JobWire.SPEC_REQUEST,
            JobWire.TEMPLATE, JobWire.INPUT_REQUEST, JobWire.RESULT_REQUEST, JobWire.CHUNK, JobWire.REPORT,
            JobWire.ACK, JobWire.DONE);

    private JobWireTarget() {
    }

    /**
     * One input.
     *
     * @param data a topic selector byte, then a payload
     */
    public static void fuzzerTestOneInput(byte[] data) {
        if (data.length == 0) {
            return;
        }
        String topic = TOPICS.get(Math.floorMod(data[0], TOPICS.size()));
        byte[] payload = Arrays.copyOfRange(data, 1, data.length);
        JobMessage m;
        try {
            m = WIRE.decode(topic, payload);
        } catch (WireException refused) {
            return;
        }
        try {
            if (!JobWire.topic(m).equals(topic)) {
                throw new IllegalStateException("job wire: a " + topic + " payload decoded as " + JobWire.topic(m));
            }
            byte[] once = WIRE.encode(m);
            RoundTrip.same("job wire " + topic, once, WIRE.encode(WIRE.decode(topic, once)));
        } catch (WireException e) {
            throw new IllegalStateException("job wire " + topic + ": a decoded message does not encode and decode "
                    + "again: " + e.getMessage(), e);
        }
    }
}
