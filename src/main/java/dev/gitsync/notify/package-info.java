/**
 * Notifications: events, the anti-spam policy, the durable outbox, per-sink delivery with retries
 * and pacing, and one renderer/judge per service.
 */
package dev.gitsync.notify;
