package org.ringfellow.container.image;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/** Builds the {@code base} image: busybox-static, its applet links, and the directories runtimes mount on. */
final class BaseImage {

    private BaseImage() {
    }

    /** Why busybox cannot make the base image, or null if it can. */
    static String problem(Path busybox) {
        if (!Files.isRegularFile(busybox)) {
            return busybox + " is missing: install busybox-static (apt-get install busybox-static) to get the base image";
        }
        try {
            if (!isStaticElf(busybox)) {
                return busybox + " is dynamically linked: the base image needs busybox-static "
                        + "(apt-get install busybox-static)";
            }
        } catch (IOException e) {
            return busybox + " is not a readable ELF executable: " + e.getMessage();
        }
        return null;
    }

    static void write(Path busybox, OutputStream out) throws IOException {
        TreeSet<String> applets = applets(busybox);
        try (TarWriter tar = new TarWriter(out)) {
            for (String d : new String[] {"bin", "sbin", "usr", "usr/bin", "usr/sbin", "etc", "proc", "dev", "sys",
                    "root", "run", "var", "home", "mnt", "opt", "work"}) {
                tar.directory(d, 0755);
            }
            tar.directory("tmp", 01777);
            tar.directory("var/tmp", 01777);
            try (InputStream in = Files.newInputStream(busybox)) {
                tar.file("bin/busybox", 0755, Files.size(busybox), in);
            }
            for (String applet : applets) {
                if (!applet.equals("bin/busybox")) {
                    tar.symlink(applet, "/bin/busybox");
                }
            }
            tar.file("etc/passwd", 0644, ("root:x:0:0:root:/root:/bin/sh\n"
                    + "nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n").getBytes(StandardCharsets.UTF_8));
            tar.file("etc/group", 0644, "root:x:0:\nnogroup:x:65534:\n".getBytes(StandardCharsets.UTF_8));
            tar.file("etc/hosts", 0644, "127.0.0.1 localhost\n::1 localhost\n".getBytes(StandardCharsets.UTF_8));
        }
    }

    private static TreeSet<String> applets(Path busybox) throws IOException {
        Process p = new ProcessBuilder(busybox.toString(), "--list-full").redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (InputStream in = p.getInputStream()) {
            in.transferTo(buf);
        }
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IOException(busybox + " --list-full failed: " + buf.toString(StandardCharsets.UTF_8));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted while listing busybox applets", e);
        }
        TreeSet<String> out = new TreeSet<>();
        for (String line : buf.toString(StandardCharsets.UTF_8).split("\n")) {
            String l = line.trim();
            if (l.matches("(bin|sbin|usr/bin|usr/sbin)/[A-Za-z0-9._\\[\\]-]+")) {
                out.add(l);
            }
        }
        if (out.isEmpty()) {
            throw new IOException(busybox + " lists no applets");
        }
        return out;
    }

    /** A static ELF has no PT_INTERP program header. */
    static boolean isStaticElf(Path file) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            byte[] ident = new byte[64];
            raf.readFully(ident);
            if (ident[0] != 0x7f || ident[1] != 'E' || ident[2] != 'L' || ident[3] != 'F') {
                throw new IOException("not an ELF file");
            }
            boolean is64 = ident[4] == 2;
            ByteBuffer h = ByteBuffer.wrap(ident).order(ident[5] == 1 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
            long phoff = is64 ? h.getLong(32) : Integer.toUnsignedLong(h.getInt(28));
            int phentsize = Short.toUnsignedInt(is64 ? h.getShort(54) : h.getShort(42));
            int phnum = Short.toUnsignedInt(is64 ? h.getShort(56) : h.getShort(44));
            byte[] ph = new byte[phentsize];
            for (int i = 0; i < phnum; i++) {
                raf.seek(phoff + (long) i * phentsize);
                raf.readFully(ph);
                int type = ByteBuffer.wrap(ph).order(h.order()).getInt(0);
                if (type == 3) {
                    return false;
                }
            }
            return true;
        }
    }
}
