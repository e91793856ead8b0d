/**
 * Upstream's Prometheus metrics, byte for byte, plus process and JVM metrics, rendered in the text
 * exposition format. The only package that knows that format.
 */
package dev.gitsync.metrics;
