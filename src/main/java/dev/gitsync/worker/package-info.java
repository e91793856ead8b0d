/** Owned background loops: named threads that report failures and stop on close. */
package dev.gitsync.worker;
