/** Typed git operations on top of the process seam, and the private global git config file. */
package dev.gitsync.git;
