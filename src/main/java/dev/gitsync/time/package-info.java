/** The one time seam: the clock, sleeping, and wakeable waits; faked in tests. */
package dev.gitsync.time;
