/**
 * Fellowships: private, encrypted groups of Ring members recruited for one application.
 */
@org.osgi.annotation.versioning.Version("0.5.0")
package org.ringfellow.api.fellowship;
