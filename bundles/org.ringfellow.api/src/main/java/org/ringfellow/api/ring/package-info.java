/**
 * The Ring: the public overlay every node joins (membership, failure detection, resource adverts, discovery).
 */
@org.osgi.annotation.versioning.Version("0.4.0")
package org.ringfellow.api.ring;
