package org.ringfellow.api.container;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The node's content-addressed store of root file system archives (tar). There is no image
 * registry: images are imported from files, and drivers take their root file systems from here.
 */
public interface ImageStore {

    /** The name of the built-in image made from busybox-static. */
    String BASE = "base";

    /**
     * Lists the images.
     *
     * @return every image, by name
     */
    List<Image> list();

    /**
     * Finds an image by name or digest.
     *
     * @param nameOrDigest a name, or a digest {@code sha256:...}; {@value #BASE} is made on
     *     first use when busybox-static is present
     * @return the image, or empty
     */
    Optional<Image> find(String nameOrDigest);

    /**
     * Returns the built-in {@value #BASE} image, making it from the host's busybox-static on
     * first use.
     *
     * @return the base image
     * @throws DriverException with {@link DriverException.Kind#ENGINE_UNAVAILABLE} and a message
     *     naming the package to install if busybox-static is missing or not static
     */
    Image base() throws DriverException;

    /**
     * Imports a tar archive of a root file system under a name, replacing any image of that name.
     *
     * @param name 1 to 64 characters from {@code [a-z0-9._-]}
     * @param archive a tar file
     * @return the image
     * @throws DriverException with {@link DriverException.Kind#INVALID_SPEC} if the name or archive is invalid
     */
    Image importArchive(String name, Path archive) throws DriverException;

    /**
     * Removes an image by name.
     *
     * @param name the image name
     * @return true if it was there
     * @throws DriverException if a running container still uses it
     */
    boolean remove(String name) throws DriverException;

    /**
     * Returns the archive of an image, to import into an engine.
     *
     * @param digest the image digest
     * @return the path of its tar archive (never modify it)
     * @throws DriverException with {@link DriverException.Kind#NOT_FOUND} if there is no such image
     */
    Path archive(String digest) throws DriverException;

    /**
     * Returns an unpacked copy of an image's root file system, shared read-only by every
     * container of that image.
     *
     * @param digest the image digest
     * @return the directory of the root file system (never modify it)
     * @throws DriverException with {@link DriverException.Kind#NOT_FOUND} if there is no such image
     */
    Path rootfs(String digest) throws DriverException;
}
