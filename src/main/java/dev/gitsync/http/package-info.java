/**
 * HTTP in both directions: the admin endpoint (probes, /metrics, debug endpoints) and the outbound
 * transport seam used by webhooks.
 */
package dev.gitsync.http;
