package org.ringfellow.container.host;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs short host commands (runc delete, lxc-stop, mount) and collects their bounded output. */
public final class Commands {

    /** Most output kept from one command; the engines' answers are far smaller. */
    public static final int MAX_OUTPUT = 256 * 1024;

    /**
     * How a command ended.
     *
     * @param code its exit code
     * @param output its standard output and error, at most {@link #MAX_OUTPUT} bytes, trimmed
     */
    public record Result(int code, String output) {
        /**
         * Whether the command succeeded.
         *
         * @return exit code 0
         */
        public boolean ok() {
            return code == 0;
        }
    }

    private Commands() {
    }

    /**
     * Runs a command to its end.
     *
     * @param command the program and its arguments
     * @param timeout the longest it may take; it is killed after
     * @return its exit code and output
     * @throws IOException if it cannot start or does not end in time
     */
    public static Result run(List<String> command, Duration timeout) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        byte[] out;
        try (InputStream in = p.getInputStream()) {
            out = in.readNBytes(MAX_OUTPUT);
            // drain the rest so the command never blocks on a full pipe
            in.transferTo(OutputSink.INSTANCE);
        }
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IOException(command.get(0) + " did not finish within " + timeout.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + command.get(0), e);
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8).trim());
    }

    /**
     * Runs a command whose outcome the caller checks by other means.
     *
     * @param command the program and its arguments
     * @param timeout the longest it may take
     */
    public static void runQuiet(List<String> command, Duration timeout) {
        try {
            run(command, timeout);
        } catch (IOException e) {
            // the caller checks the outcome itself
        }
    }

    private static final class OutputSink extends java.io.OutputStream {
        static final OutputSink INSTANCE = new OutputSink();

        @Override
        public void write(int b) {
        }

        @Override
        public void write(byte[] b, int off, int len) {
        }
    }
}
