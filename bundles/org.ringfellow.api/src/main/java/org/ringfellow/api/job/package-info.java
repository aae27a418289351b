/**
 * Batch jobs as a node that submits them offers them: {@link org.ringfellow.api.job.JobService}, the records it
 * answers with, and its refusal {@link org.ringfellow.api.job.JobException}. Implemented by the job bundle; used by
 * its console commands and by the REST API.
 */
@org.osgi.annotation.versioning.Version("0.1.0")
package org.ringfellow.api.job;
