package org.ringfellow.job.internal.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.ringfellow.job.internal.model.JobFileReader;
import org.ringfellow.job.internal.model.JobSpec;

class JobWireTest {

    private static final String JOB = "squares-0123abcd";
    private static final String DIGEST = "ab".repeat(32);

    private final JobWire wire = new JobWire();

    private static JobSpec spec() throws Exception {
        String yaml = "name: squares\nimage: base\ncommand: [sh, -c, 'read n; echo $((n*n))']\nenv: {B: '2', A: '1'}\n"
                + "inputs: {lines: [\"1\", \"2\"]}\noutputs: [r.txt]\nresources: {cpus: 1.5, memory: 64m, disk: 1g}\n"
                + "slotsPerMember: 2\ndeadlineSeconds: 30\nmaxOutputBytes: 4096\n";
        return new JobFileReader().parse(yaml.getBytes(StandardCharsets.UTF_8), true, Path.of("/"));
    }

    private static List<JobMessage> samples() throws Exception {
        return List.of(new JobMessage.Fetch(JOB, 4),
                new JobMessage.Leases(JOB, List.of(
                        new JobMessage.Grant(1L << 40, 3, 30, 2, Optional.of("3\n".getBytes(StandardCharsets.UTF_8))),
                        new JobMessage.Grant((1L << 40) + 1, 4, 30, 1_000_000, Optional.empty()))),
                new JobMessage.Leases(JOB, List.of()),
                new JobMessage.SpecRequest(JOB),
                new JobMessage.Template(JOB, spec()),
                new JobMessage.InputRequest(JOB, 7, 524_288),
                new JobMessage.ResultRequest(JOB, 3, DIGEST, 0),
                new JobMessage.Chunk(JOB, 10, 13, new byte[] {1, 2, 3}),
                new JobMessage.Report(JOB, 9, true, Optional.of(DIGEST), Optional.of(0), Optional.empty()),
                new JobMessage.Report(JOB, 9, false, Optional.empty(), Optional.empty(),
                        Optional.of("image base is not on this member")),
                new JobMessage.ReportAck(JOB, 9, "STALE"),
                new JobMessage.Done(JOB));
    }

    @Test
    void everyMessageSurvivesTheRoundTrip() throws Exception {
        for (JobMessage message : samples()) {
            byte[] bytes = wire.encode(message);
            JobMessage back = wire.decode(JobWire.topic(message), bytes);
            assertEquals(normalize(message), normalize(back), JobWire.topic(message));
        }
    }

    @Test
    void aTemplateCarriesWhatAMemberNeedsAndNoInputs() throws Exception {
        JobSpec spec = spec();
        JobMessage.Template back = (JobMessage.Template) wire.decode(JobWire.TEMPLATE,
                wire.encode(new JobMessage.Template(JOB, spec)));
        JobSpec member = back.spec();
        assertEquals(List.of(), member.inputs());
        assertEquals(spec.image(), member.image());
        assertEquals(spec.command(), member.command());
        assertEquals(spec.env(), member.env());
        assertEquals(spec.outputs(), member.outputs());
        assertEquals(spec.resources(), member.resources());
        assertEquals(spec.slotsPerMember(), member.slotsPerMember());
        assertEquals(spec.deadlineSeconds(), member.deadlineSeconds());
        assertEquals(spec.maxOutputBytes(), member.maxOutputBytes());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            unknown topic          | job.nope     | {"v":1,"job":"squares-0123abcd"}
            not json               | job.fetch    | {"v":1,
            not an object          | job.fetch    | [1]
            no version             | job.fetch    | {"job":"squares-0123abcd","max":1}
            version 2              | job.fetch    | {"v":2,"job":"squares-0123abcd","max":1}
            bad job id             | job.fetch    | {"v":1,"job":"../x","max":1}
            max zero               | job.fetch    | {"v":1,"job":"squares-0123abcd","max":0}
            max too big            | job.fetch    | {"v":1,"job":"squares-0123abcd","max":65}
            unknown field          | job.fetch    | {"v":1,"job":"squares-0123abcd","max":1,"x":1}
            duplicate field        | job.fetch    | {"v":1,"job":"squares-0123abcd","max":1,"max":2}
            grants not a list      | job.leases   | {"v":1,"job":"squares-0123abcd","grants":{}}
            inline size mismatch   | job.leases   | {"v":1,"job":"squares-0123abcd","grants":[{"lease":1,"task":0,"deadlineSeconds":1,"inputSize":5,"input":"AA=="}]}
            lease zero             | job.leases   | {"v":1,"job":"squares-0123abcd","grants":[{"lease":0,"task":0,"deadlineSeconds":1,"inputSize":0}]}
            task too big           | job.leases   | {"v":1,"job":"squares-0123abcd","grants":[{"lease":1,"task":100000,"deadlineSeconds":1,"inputSize":0}]}
            bad base64             | job.chunk    | {"v":1,"job":"squares-0123abcd","offset":0,"total":3,"data":"@@@@"}
            chunk past its total   | job.chunk    | {"v":1,"job":"squares-0123abcd","offset":2,"total":3,"data":"AAA="}
            empty chunk short      | job.chunk    | {"v":1,"job":"squares-0123abcd","offset":0,"total":3,"data":""}
            success without digest | job.report   | {"v":1,"job":"squares-0123abcd","lease":1,"success":true,"exitCode":0}
            short digest           | job.report   | {"v":1,"job":"squares-0123abcd","lease":1,"success":true,"digest":"ab","exitCode":0}
            error with digest      | job.report   | {"v":1,"job":"squares-0123abcd","lease":1,"success":false,"digest":"abababababababababababababababababababababababababababababababab","error":"x"}
            error without reason   | job.report   | {"v":1,"job":"squares-0123abcd","lease":1,"success":false}
            success as text        | job.report   | {"v":1,"job":"squares-0123abcd","lease":1,"success":"yes"}
            bad ack status         | job.ack      | {"v":1,"job":"squares-0123abcd","lease":1,"status":"MAYBE"}
            template bad image     | job.template | {"v":1,"job":"squares-0123abcd","spec":{"name":"a","image":"../etc","command":["x"]}}
            template with inputs   | job.template | {"v":1,"job":"squares-0123abcd","spec":{"name":"a","image":"base","command":["x"],"inputs":{"lines":["a"]}}}
            template bad command   | job.template | {"v":1,"job":"squares-0123abcd","spec":{"name":"a","image":"base","command":[]}}
            """)
    void malformedMessagesAreRefused(String what, String topic, String body) {
        assertThrows(WireException.class, () -> wire.decode(topic, body.getBytes(StandardCharsets.UTF_8)), what);
    }

    @Test
    void anErrorTextIsBounded() throws Exception {
        JobMessage long1 = new JobMessage.Report(JOB, 1, false, Optional.empty(), Optional.empty(),
                Optional.of("x".repeat(JobWire.MAX_ERROR + 1)));
        assertThrows(WireException.class, () -> wire.encode(long1), "nothing undecodable is sent");
    }

    @Test
    void aChunkAtItsLimitFitsAFellowshipMessage() throws Exception {
        byte[] data = new byte[JobWire.MAX_CHUNK];
        new SplittableRandom(1).nextBytes(data);
        JobMessage.Chunk chunk = new JobMessage.Chunk(JOB, 0, data.length, data);
        JobMessage.Chunk back = (JobMessage.Chunk) wire.decode(JobWire.CHUNK, wire.encode(chunk));
        assertArrayEquals(data, back.data());
        List<JobMessage.Grant> grants = new ArrayList<>();
        for (int k = 0; k < JobWire.MAX_GRANTS; k++) {
            grants.add(new JobMessage.Grant(k + 1, k, 30, JobWire.MAX_INLINE, Optional.of(new byte[JobWire.MAX_INLINE])));
        }
        assertTrue(wire.encode(new JobMessage.Leases(JOB, grants)).length < 1 << 20);
    }

    @Test
    void mutatedMessagesDecodeOrAreRefusedButNeverThrowAnythingElse() throws Exception {
        SplittableRandom random = new SplittableRandom(2026);
        int refused = 0;
        int decoded = 0;
        for (JobMessage message : samples()) {
            byte[] good = wire.encode(message);
            for (int k = 0; k < 500; k++) {
                byte[] bad = mutate(good, random);
                try {
                    wire.decode(JobWire.topic(message), bad);
                    decoded++;
                } catch (WireException e) {
                    refused++;
                }
            }
        }
        assertEquals(samples().size() * 500, refused + decoded);
        assertTrue(refused > decoded, "most mutations are refused: " + refused + " refused, " + decoded + " decoded");
    }

    private static byte[] mutate(byte[] good, SplittableRandom random) {
        byte[] bad;
        switch (random.nextInt(3)) {
            case 0 -> {
                bad = good.clone();
                for (int i = 0; i < 1 + random.nextInt(3); i++) {
                    bad[random.nextInt(bad.length)] = (byte) random.nextInt(256);
                }
            }
            case 1 -> bad = java.util.Arrays.copyOf(good, random.nextInt(good.length));
            default -> {
                bad = java.util.Arrays.copyOf(good, good.length + 1 + random.nextInt(8));
                for (int i = good.length; i < bad.length; i++) {
                    bad[i] = (byte) random.nextInt(256);
                }
            }
        }
        return bad;
    }

    /** Records holding arrays compare by identity: compare their text instead. */
    private static String normalize(JobMessage m) {
        if (m instanceof JobMessage.Chunk c) {
            return c.job() + c.offset() + c.total() + java.util.Arrays.toString(c.data());
        }
        if (m instanceof JobMessage.Leases l) {
            StringBuilder b = new StringBuilder(l.job());
            for (JobMessage.Grant g : l.grants()) {
                b.append(g.lease()).append(g.task()).append(g.deadlineSeconds()).append(g.inputSize())
                        .append(g.input().map(java.util.Arrays::toString).orElse("-"));
            }
            return b.toString();
        }
        if (m instanceof JobMessage.Template t) {
            JobSpec s = t.spec();
            return t.job() + s.image() + s.command() + s.env() + s.outputs() + s.resources() + s.slotsPerMember()
                    + s.deadlineSeconds() + s.maxOutputBytes();
        }
        return m.toString();
    }
}
