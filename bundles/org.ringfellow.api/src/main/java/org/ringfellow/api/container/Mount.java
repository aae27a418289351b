package org.ringfellow.api.container;

import java.util.Objects;

/**
 * A file system mounted into a container.
 *
 * @param type bind mount of a host path, or a private tmpfs
 * @param source the host path for a bind mount; empty for a tmpfs
 * @param target the absolute path inside the container
 * @param readOnly whether the container may write to it
 * @param sizeBytes the size of a tmpfs; 0 for a bind mount
 */
public record Mount(Type type, String source, String target, boolean readOnly, long sizeBytes) {

    /** Kinds of mount. */
    public enum Type {
        /** A host file or directory. */
        BIND,
        /** A memory-backed file system private to the container. */
        TMPFS
    }

    /**
     * Validates the mount.
     *
     * @throws IllegalArgumentException if paths are not absolute or the kind's fields are inconsistent
     */
    public Mount {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(target, "target");
        if (!target.startsWith("/") || target.contains("..")) {
            throw new IllegalArgumentException("mount target must be an absolute path without '..': " + target);
        }
        if (type == Type.BIND && (!source.startsWith("/") || source.contains(".."))) {
            throw new IllegalArgumentException("bind mount source must be an absolute host path without '..': " + source);
        }
        if (type == Type.TMPFS && sizeBytes <= 0) {
            throw new IllegalArgumentException("a tmpfs mount needs a positive size");
        }
    }

    /**
     * A read-only bind mount.
     *
     * @param hostPath absolute host path
     * @param target absolute path in the container
     * @return the mount
     */
    public static Mount bindReadOnly(String hostPath, String target) {
        return new Mount(Type.BIND, hostPath, target, true, 0);
    }

    /**
     * A writable bind mount.
     *
     * @param hostPath absolute host path
     * @param target absolute path in the container
     * @return the mount
     */
    public static Mount bind(String hostPath, String target) {
        return new Mount(Type.BIND, hostPath, target, false, 0);
    }

    /**
     * A private tmpfs.
     *
     * @param target absolute path in the container
     * @param sizeBytes its size
     * @return the mount
     */
    public static Mount tmpfs(String target, long sizeBytes) {
        return new Mount(Type.TMPFS, "", target, false, sizeBytes);
    }
}
