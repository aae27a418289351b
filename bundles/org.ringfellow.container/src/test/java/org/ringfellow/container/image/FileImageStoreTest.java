package org.ringfellow.container.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ringfellow.api.container.DriverException;
import org.ringfellow.api.container.Image;
import org.ringfellow.api.container.ImageStore;

class FileImageStoreTest {

    @TempDir
    Path dir;

    interface Entries {
        void write(TarWriter tar) throws IOException;
    }

    private Path tar(String name, Entries entries) throws IOException {
        Path p = dir.resolve(name);
        try (OutputStream out = Files.newOutputStream(p); TarWriter tar = new TarWriter(out)) {
            entries.write(tar);
        }
        return p;
    }

    private FileImageStore store() {
        return new FileImageStore(dir.resolve("store"), Path.of("/bin/busybox"));
    }

    @Test
    void givenAnArchive_whenImported_thenItIsNamedByTheSha256OfItsBytesAndUnpacked() throws Exception {
        Path t = tar("a.tar", tar -> {
            tar.directory("etc", 0755);
            tar.file("etc/motd", 0644, "hello\n".getBytes(StandardCharsets.UTF_8));
            tar.symlink("etc/link", "/etc/motd");
        });
        FileImageStore store = store();
        Image image = store.importArchive("app", t);
        String expected = "sha256:" + java.util.HexFormat.of().formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(t)));
        assertEquals(expected, image.digest());
        Path rootfs = store.rootfs(image.digest());
        assertEquals("hello\n", Files.readString(rootfs.resolve("etc/motd")));
        assertTrue(Files.isSymbolicLink(rootfs.resolve("etc/link")));
        assertEquals(Optional.of(image), store.find("app"));
        assertEquals(Optional.of(image), store.find(image.digest()));
        // a reopened store knows the image
        assertEquals(Optional.of(image), store().find("app"));
    }

    @Test
    void givenAnAbsolutePath_whenImported_thenRefusedAndNothingKept() throws Exception {
        Path t = tar("abs.tar", tar -> tar.file("/etc/passwd", 0644, new byte[] {1}));
        FileImageStore store = store();
        DriverException e = assertThrows(DriverException.class, () -> store.importArchive("bad", t));
        assertEquals(DriverException.Kind.INVALID_SPEC, e.kind());
        assertTrue(e.getMessage().contains("absolute"), e.getMessage());
        assertTrue(store.find("bad").isEmpty());
        try (var s = Files.list(dir.resolve("store/blobs"))) {
            assertEquals(0, s.count());
        }
    }

    @Test
    void givenDotDot_whenImported_thenRefused() throws Exception {
        Path t = tar("dots.tar", tar -> tar.file("a/../../escape", 0644, new byte[] {1}));
        DriverException e = assertThrows(DriverException.class, () -> store().importArchive("bad", t));
        assertTrue(e.getMessage().contains(".."), e.getMessage());
        assertFalse(Files.exists(dir.resolve("escape")));
    }

    @Test
    void givenAFileWrittenThroughASymlink_whenImported_thenRefusedAndTheHostFileUntouched() throws Exception {
        Path outside = Files.createDirectory(dir.resolve("outside"));
        Path t = tar("link.tar", tar -> {
            tar.symlink("evil", outside.toString());
            tar.file("evil/owned", 0644, new byte[] {1});
        });
        DriverException e = assertThrows(DriverException.class, () -> store().importArchive("bad", t));
        assertTrue(e.getMessage().contains("symbolic link"), e.getMessage());
        assertFalse(Files.exists(outside.resolve("owned")));
    }

    @Test
    void givenADeviceNode_whenImported_thenRefused() throws Exception {
        Path t = tar("dev.tar", tar -> tar.header("dev/sda", '4', 0, 0600, ""));
        DriverException e = assertThrows(DriverException.class, () -> store().importArchive("bad", t));
        assertTrue(e.getMessage().contains("device"), e.getMessage());
    }

    @Test
    void givenAHardLinkOutOfTheTree_whenImported_thenRefused() throws Exception {
        Path t = tar("hard.tar", tar -> tar.header("x", '1', 0, 0644, "../../etc/shadow"));
        assertThrows(DriverException.class, () -> store().importArchive("bad", t));
    }

    @Test
    void givenSetuidBits_whenImported_thenDropped() throws Exception {
        Path t = tar("suid.tar", tar -> tar.file("su", 04755, new byte[] {1}));
        FileImageStore store = store();
        Image i = store.importArchive("suid", t);
        int mode = (Integer) Files.getAttribute(store.rootfs(i.digest()).resolve("su"), "unix:mode",
                LinkOption.NOFOLLOW_LINKS);
        assertEquals(0755, mode & 07777);
    }

    @Test
    void givenNotATar_whenImported_thenRefusedClearly() throws Exception {
        Path p = Files.write(dir.resolve("junk.tar"), new byte[2048 + 7]);
        Files.write(p, "this is not a tar archive at all".getBytes(StandardCharsets.UTF_8));
        DriverException e = assertThrows(DriverException.class, () -> store().importArchive("junk", p));
        assertEquals(DriverException.Kind.INVALID_SPEC, e.kind());
    }

    @Test
    void givenAnInvalidName_whenImported_thenRefused() throws Exception {
        Path t = tar("ok.tar", tar -> tar.directory("etc", 0755));
        assertThrows(DriverException.class, () -> store().importArchive("Bad Name", t));
        assertThrows(DriverException.class, () -> store().importArchive("../x", t));
    }

    @Test
    void givenAnImageInUse_whenRemoved_thenRefused_andAfterwardsRemovedWithItsFiles() throws Exception {
        Path t = tar("ok.tar", tar -> tar.directory("etc", 0755));
        FileImageStore store = store();
        Image i = store.importArchive("app", t);
        store.usage(d -> d.equals(i.digest()) ? Optional.of("c1") : Optional.empty());
        DriverException e = assertThrows(DriverException.class, () -> store.remove("app"));
        assertTrue(e.getMessage().contains("c1"));
        store.usage(d -> Optional.empty());
        assertTrue(store.remove("app"));
        assertFalse(store.remove("app"));
        assertThrows(DriverException.class, () -> store.rootfs(i.digest()));
        assertFalse(Files.exists(dir.resolve("store/rootfs").resolve(i.digest().substring(7))));
    }

    @Test
    void givenBusyboxStatic_whenBaseIsAskedFor_thenItIsMadeOnceWithAShell() throws Exception {
        assumeTrue(BaseImage.problem(Path.of("/bin/busybox")) == null, "busybox-static is not installed");
        FileImageStore store = store();
        Image base = store.base();
        assertEquals(ImageStore.BASE, base.name());
        Path rootfs = store.rootfs(base.digest());
        assertTrue(Files.isRegularFile(rootfs.resolve("bin/busybox")));
        assertEquals(Path.of("/bin/busybox"), Files.readSymbolicLink(rootfs.resolve("bin/sh")));
        assertEquals(01777, ((Integer) Files.getAttribute(rootfs.resolve("tmp"), "unix:mode")) & 07777);
        // deterministic: made again elsewhere, the same digest
        FileImageStore other = new FileImageStore(dir.resolve("other"), Path.of("/bin/busybox"));
        assertEquals(base.digest(), other.base().digest());
        assertTrue(store.list().contains(base));
    }

    @Test
    void givenNoBusybox_whenBaseIsAskedFor_thenTheMessageSaysWhatToInstall() {
        FileImageStore store = new FileImageStore(dir.resolve("s"), dir.resolve("no-busybox"));
        DriverException e = assertThrows(DriverException.class, store::base);
        assertTrue(e.getMessage().contains("busybox-static"), e.getMessage());
        assertTrue(store.find(ImageStore.BASE).isEmpty());
    }

    @Test
    void givenADynamicBusybox_whenBaseIsAskedFor_thenRefusedAsNotStatic() throws Exception {
        Path dynamic = Path.of("/bin/ls");
        assumeTrue(Files.exists(dynamic) && !BaseImage.isStaticElf(dynamic));
        DriverException e = assertThrows(DriverException.class,
                () -> new FileImageStore(dir.resolve("s"), dynamic).base());
        assertTrue(e.getMessage().contains("dynamically linked"), e.getMessage());
    }

    @Test
    void tarReaderReadsWhatTarWriterWrote() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        String longName = "d".repeat(60) + "/" + "x".repeat(90);
        try (TarWriter tar = new TarWriter(buf)) {
            tar.file(longName, 0600, "abc".getBytes(StandardCharsets.UTF_8));
        }
        TarReader r = new TarReader(new java.io.ByteArrayInputStream(buf.toByteArray()));
        TarReader.Entry e = r.next();
        assertEquals(longName, e.name());
        assertEquals(3, e.size());
        assertEquals("abc", new String(r.data().readAllBytes(), StandardCharsets.UTF_8));
        assertEquals(null, r.next());
    }
}
