/**
 * The logging contract: upstream's JSON log lines on stderr, the -v ladder, redaction of secrets,
 * and the error file.
 */
package dev.gitsync.log;
