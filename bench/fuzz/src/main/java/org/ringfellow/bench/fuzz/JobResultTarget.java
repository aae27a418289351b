package org.ringfellow.bench.fuzz;

import java.util.List;
import org.ringfellow.job.internal.model.TaskResult;
import org.ringfellow.job.internal.protocol.ResultCodec;
import org.ringfellow.job.internal.wire.WireException;

/**
 * A task's result content as a member hands it over ({@code ResultCodec.decode}: exit code,
 * stdout and the declared outputs, each under the job's cap). A decoded result must encode to
 * bytes that decode to a result encoding the same.
 */
public final class JobResultTarget {

    private static final List<String> DECLARED = List.of("out.txt", "counts.csv");
    private static final long CAP = 4096;

    private JobResultTarget() {
    }

    /**
     * One input.
     *
     * @param data an encoded result
     */
    public static void fuzzerTestOneInput(byte[] data) {
        TaskResult r;
        try {
            r = ResultCodec.decode(data, DECLARED, CAP);
        } catch (WireException refused) {
            return;
        }
        byte[] once = ResultCodec.encode(r, DECLARED);
        try {
            RoundTrip.same("job result", once, ResultCodec.encode(ResultCodec.decode(once, DECLARED, CAP), DECLARED));
        } catch (WireException e) {
            throw new IllegalStateException("job result: its own encoding of a decoded result is refused: " + e, e);
        }
    }
}
