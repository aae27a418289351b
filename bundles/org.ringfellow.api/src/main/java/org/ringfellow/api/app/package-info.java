/**
 * The event-driven application API that app code is written against, and the minimal PaaS API that deploys it.
 */
@org.osgi.annotation.versioning.Version("0.3.0")
package org.ringfellow.api.app;
