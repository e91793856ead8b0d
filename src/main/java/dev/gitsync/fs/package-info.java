/**
 * File-system pieces of the on-disk contract: absolute paths, the atomic symlink flip, lock-file
 * recovery, and small file helpers.
 */
package dev.gitsync.fs;
