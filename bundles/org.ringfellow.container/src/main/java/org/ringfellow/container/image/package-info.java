/**
 * The node's image store, {@link org.ringfellow.container.image.FileImageStore}: exported so that
 * a driver's tests, in this repository or outside it, can give the test kit a real base image
 * (busybox-static unpacked from {@code /bin/busybox}) with {@code new FileImageStore(dir, busybox)}.
 */
@org.osgi.annotation.versioning.Version("0.1.0")
package org.ringfellow.container.image;
