/**
 * The command line: the option table declared once, pflag-compatible parsing of flags and env vars
 * (with legacy names), validation that gathers every problem, and help/manual rendering. The only
 * package that knows about flags.
 */
package dev.gitsync.cli;
