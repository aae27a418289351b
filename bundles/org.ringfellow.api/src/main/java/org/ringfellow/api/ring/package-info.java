/**
 * The Ring: the public overlay every node joins (membership, failure detection, resource adverts, discovery).
 */
@org.osgi.annotation.versioning.Version("0.3.0")
package org.ringfellow.api.ring;
