/**
 * Fetching over the network, safely: the release manifest with its signature
 * ({@link dev.updater.core.download.ManifestFetcher}) and artifacts, resumable and verified while
 * they stream ({@link dev.updater.core.download.Downloader}).
 *
 * <p>Both use the JDK's HTTP client with the same rules: HTTPS only, except to loopback or when
 * insecure HTTP is allowed explicitly; redirects followed by hand (at most 5) and never from HTTPS to
 * HTTP; the JVM's proxy settings honoured; a connect timeout, a stall timeout, and a total deadline
 * that a drip-feeding server cannot stretch; cancellation from another thread. Failures are
 * {@link dev.updater.core.UpdaterException}s with a stable {@link dev.updater.core.ErrorCode}.
 */
package dev.updater.core.download;
