/**
 * The sync pass (fetch, worktree, publish, cleanup), the loop that drives it (periods, failures,
 * one-time, signals), and the waiting seam.
 */
package dev.gitsync.sync;
