/**
 * git-sync (Java): a drop-in replacement for kubernetes/git-sync v4. {@link dev.gitsync.Main} is
 * the composition root; the packages below form a DAG checked by ArchitectureTest.
 */
package dev.gitsync;
