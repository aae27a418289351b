/**
 * The Virtual layer: the container driver SPI, the container manager and the image store.
 */
@org.osgi.annotation.versioning.Version("0.2.0")
package org.ringfellow.api.container;
