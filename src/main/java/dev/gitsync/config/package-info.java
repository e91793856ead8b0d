/**
 * Immutable, validated configuration records and value types (Go durations, secrets, signals, git
 * config entries) that the rest of the program consumes.
 */
package dev.gitsync.config;
