package org.ringfellow.container.host;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.ringfellow.api.container.ContainerSpec;
import org.ringfellow.api.container.DriverException;
import org.ringfellow.api.container.DriverException.Kind;
import org.ringfellow.api.container.LogChunk;

/**
 * The files of a container that a host-side driver keeps in its own directory (config, output,
 * pid and exit files), the image's root file system as seen from the container, and the host's
 * view of its processes.
 */
public final class ContainerFiles {

    /** The PATH a container gets when its spec names none. */
    public static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    /** Most output kept from one exec, per stream. */
    public static final int MAX_EXEC_OUTPUT = 64 * 1024;
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

    private ContainerFiles() {
    }

    /**
     * Whether a name can be a container's (and so a directory's) name.
     *
     * @param id the name
     * @return true if it is lower-case letters, digits, {@code _} and {@code -}, at most 63
     */
    public static boolean isId(String id) {
        return id != null && ID.matcher(id).matches();
    }

    /**
     * Refuses what cannot be a container's name.
     *
     * @param id the name
     * @throws DriverException NOT_FOUND if it is not a valid name
     */
    public static void checkId(String id) throws DriverException {
        if (!isId(id)) {
            throw new DriverException(Kind.NOT_FOUND, "not a container id: '" + id + "'");
        }
    }

    /**
     * Writes a file so that a reader sees the old content or the new one, never a part.
     *
     * @param target the file
     * @param content its new content
     * @throws IOException if it cannot be written
     */
    public static void writeAtomically(Path target, byte[] content) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.write(tmp, content);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Removes a directory and what it holds, best effort (the caller checks what is left).
     *
     * @param root the directory
     */
    public static void deleteTree(Path root) {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // best effort; destroy reports what is left
                }
            });
        } catch (IOException e) {
            // best effort
        }
    }

    /**
     * Whether a directory holds nothing.
     *
     * @param dir the directory
     * @return true if it is empty; false if it holds something or cannot be read
     */
    public static boolean isEmptyDir(Path dir) {
        try (java.nio.file.DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            return !s.iterator().hasNext();
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The first {@link #MAX_EXEC_OUTPUT} bytes of a file.
     *
     * @param file the file
     * @return its beginning, as UTF-8
     * @throws IOException if it cannot be read
     */
    public static String head(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return new String(in.readNBytes(MAX_EXEC_OUTPUT), StandardCharsets.UTF_8);
        }
    }

    /**
     * A part of a container's output file.
     *
     * @param log the file
     * @param id the container, for messages
     * @param fromOffset the first byte
     * @param maxBytes the most bytes, 1 to 1 MiB
     * @return the bytes from the offset and the next offset
     * @throws DriverException INVALID_SPEC for a bad range, NOT_FOUND without the file
     */
    public static LogChunk logs(Path log, String id, long fromOffset, int maxBytes) throws DriverException {
        if (fromOffset < 0 || maxBytes < 1 || maxBytes > 1024 * 1024) {
            throw new DriverException(Kind.INVALID_SPEC, "logs need an offset >= 0 and 1..1048576 bytes");
        }
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            long len = f.length();
            if (fromOffset >= len) {
                return new LogChunk("", fromOffset, false);
            }
            f.seek(fromOffset);
            byte[] buf = new byte[(int) Math.min(maxBytes, len - fromOffset)];
            f.readFully(buf);
            return new LogChunk(new String(buf, StandardCharsets.UTF_8), fromOffset + buf.length, false);
        } catch (java.io.FileNotFoundException e) {
            throw new DriverException(Kind.NOT_FOUND, "no container " + id);
        } catch (IOException e) {
            throw new DriverException(Kind.FAILED, "cannot read the output of " + id + ": " + e.getMessage(), e);
        }
    }

    /**
     * Refuses a command that is not in the image, which an engine would only report as a failed
     * exec (exit 127) once the container runs.
     *
     * @param rootfs the image's root file system
     * @param spec the container
     * @throws DriverException INVALID_SPEC if the program is not there
     */
    public static void checkCommand(Path rootfs, ContainerSpec spec) throws DriverException {
        String program = spec.command().get(0);
        if (program.contains("/")) {
            Path p = inRoot(rootfs, program.startsWith("/") ? program : spec.workingDir() + "/" + program);
            if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                throw new DriverException(Kind.INVALID_SPEC, "command " + program + " does not exist in the image");
            }
            return;
        }
        String path = spec.env().getOrDefault("PATH", DEFAULT_PATH);
        for (String d : path.split(":")) {
            if (d.startsWith("/") && Files.exists(inRoot(rootfs, d + "/" + program), LinkOption.NOFOLLOW_LINKS)) {
                return;
            }
        }
        throw new DriverException(Kind.INVALID_SPEC, "command " + program + " is not found in the image's PATH");
    }

    /**
     * A container path inside the image's directory, never above it ({@code ..} is refused by the spec).
     *
     * @param rootfs the image's root file system
     * @param containerPath an absolute path in the container
     * @return the host path
     */
    public static Path inRoot(Path rootfs, String containerPath) {
        String rel = containerPath.replaceAll("^/+", "");
        return rel.isEmpty() ? rootfs : rootfs.resolve(rel).normalize();
    }

    /**
     * The children of a process, from {@code /proc}.
     *
     * @param pid the process
     * @return their pids; none if it is gone
     */
    public static List<Long> children(long pid) {
        try {
            String text = Files.readString(Path.of("/proc", Long.toString(pid), "task", Long.toString(pid),
                    "children")).trim();
            if (text.isEmpty()) {
                return List.of();
            }
            return Stream.of(text.split("\\s+")).map(Long::parseLong).toList();
        } catch (IOException | NumberFormatException e) {
            return List.of();
        }
    }

    /**
     * Sends SIGTERM (or SIGKILL) to a process, only if it is still the one a check accepts: the
     * handle taken first pins the process's start time, so a pid reused after the check is never hit.
     *
     * @param pid the process
     * @param stillOurs checked after the handle is taken (e.g. the process sits in the container's cgroup)
     * @param force SIGKILL instead of SIGTERM
     * @return true if the signal was sent
     */
    public static boolean signal(long pid, java.util.function.LongPredicate stillOurs, boolean force) {
        if (pid <= 0) {
            return false;
        }
        return ProcessHandle.of(pid).filter(h -> stillOurs.test(pid))
                .map(h -> force ? h.destroyForcibly() : h.destroy()).orElse(false);
    }

    /**
     * A program named in configuration: a path, or a name looked up in PATH and the sbin directories.
     *
     * @param binary the configured value
     * @return the path to run
     */
    public static Path resolveBinary(Path binary) {
        if (binary.isAbsolute() || binary.getNameCount() > 1) {
            return binary;
        }
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/local/sbin:/usr/sbin:/sbin:/usr/bin:/bin";
        for (String d : path.split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, binary.toString()))) {
                return Path.of(d, binary.toString());
            }
        }
        return binary;
    }
}
