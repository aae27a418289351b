/**
 * The launcher that runs inside an app's container: it starts an OSGi framework, installs the app
 * bundle, instantiates its {@link org.ringfellow.api.app.App} and feeds it the bridge's events. Not
 * an OSGi bundle of the node: a plain class path inside the container.
 */
package org.ringfellow.runtime.bundle.launcher;
