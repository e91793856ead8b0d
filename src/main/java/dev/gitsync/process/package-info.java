/**
 * The process seam: running external commands with both streams drained, timeouts that kill the
 * whole process tree, and graceful termination on shutdown.
 */
package dev.gitsync.process;
