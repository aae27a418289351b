/**
 * The application runtime SPI: how an app artifact becomes a container on a member.
 */
@org.osgi.annotation.versioning.Version("0.2.0")
package org.ringfellow.api.runtime;
