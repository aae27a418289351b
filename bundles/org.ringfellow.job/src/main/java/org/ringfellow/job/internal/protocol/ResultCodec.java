package org.ringfellow.job.internal.protocol;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ringfellow.job.internal.model.JobFileReader;
import org.ringfellow.job.internal.model.TaskResult;
import org.ringfellow.job.internal.wire.WireException;

/**
 * A result's content as it travels in chunks from a member to the submitter: version byte 1, exit code, standard
 * output, then for each declared output a presence byte and its bytes; lengths are 4-byte, each bounded by the
 * job's {@code maxOutputBytes}. The receiver decodes it and checks its digest against the one the quorum agreed
 * on, so a member cannot hand over other content than it reported.
 */
public final class ResultCodec {

    private ResultCodec() {
    }

    /**
     * @param result a result
     * @param declared the job's declared outputs
     * @return its encoding
     */
    public static byte[] encode(TaskResult result, List<String> declared) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(1);
            out.writeInt(result.exitCode());
            out.writeInt(result.stdout().length);
            out.write(result.stdout());
            for (String name : declared) {
                byte[] content = result.outputs().get(name);
                out.writeBoolean(content != null);
                if (content != null) {
                    out.writeInt(content.length);
                    out.write(content);
                }
            }
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory failed", e);
        }
    }

    /**
     * @param encoded an encoding
     * @param declared the job's declared outputs
     * @param maxOutputBytes the job's cap on each part
     * @return the result
     * @throws WireException if it is malformed or a part is over the cap
     */
    public static TaskResult decode(byte[] encoded, List<String> declared, long maxOutputBytes)
            throws WireException {
        if (maxOutputBytes > JobFileReader.MAX_OUTPUT_CAP) {
            throw new IllegalArgumentException("cap " + maxOutputBytes);
        }
        try {
            DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(encoded));
            if (in.readByte() != 1) {
                throw new WireException("result content of an unknown version");
            }
            int exit = in.readInt();
            byte[] stdout = part(in, maxOutputBytes, "stdout");
            Map<String, byte[]> outputs = new LinkedHashMap<>();
            for (String name : declared) {
                if (in.readBoolean()) {
                    outputs.put(name, part(in, maxOutputBytes, name));
                }
            }
            if (in.read() != -1) {
                throw new WireException("result content has trailing bytes");
            }
            return new TaskResult(exit, stdout, outputs);
        } catch (EOFException e) {
            throw new WireException("result content is truncated", e);
        } catch (IOException e) {
            throw new WireException("result content does not read: " + e.getMessage(), e);
        }
    }

    private static byte[] part(DataInputStream in, long cap, String what) throws IOException, WireException {
        int length = in.readInt();
        if (length < 0 || length > cap) {
            throw new WireException("result content: " + what + " of " + length + " bytes, the cap is " + cap);
        }
        byte[] bytes = in.readNBytes(length);
        if (bytes.length != length) {
            throw new EOFException(what);
        }
        return bytes;
    }

    static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
