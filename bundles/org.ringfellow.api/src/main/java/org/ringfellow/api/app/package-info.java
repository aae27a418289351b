/**
 * The event-driven application API that app code is written against, and the minimal PaaS API that deploys it
 * and counts its apps' requests and restarts (0.4.0: {@link org.ringfellow.api.app.AppMetrics},
 * {@link org.ringfellow.api.app.AppService#metrics()}).
 */
@org.osgi.annotation.versioning.Version("0.4.0")
package org.ringfellow.api.app;
