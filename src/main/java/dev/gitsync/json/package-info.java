/**
 * JSON text: strict parsing for the outbox, its state and services' answers, and string escaping
 * shared by the log and webhook payloads.
 */
package dev.gitsync.json;
