/**
 * The container driver test kit: extend {@link org.ringfellow.container.tck.ContainerDriverConformance}
 * in a driver's tests to prove the driver against its real engine.
 */
@org.osgi.annotation.versioning.Version("0.1.0")
package org.ringfellow.container.tck;
