/**
 * Fuzz targets for every decoder that reads bytes from outside the node: one class per
 * decoder, each with Jazzer's {@code fuzzerTestOneInput(byte[])}. A target accepts the decoder's
 * own refusal (the checked "malformed" exception, which the node counts and drops) and fails
 * on anything else: an unchecked exception, an error, or a decoded value that does not encode
 * back to what decodes the same (the round trip every decoder here promises).
 */
package org.ringfellow.bench.fuzz;
