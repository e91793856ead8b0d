/**
 * Notifications: the anti-spam policy and its remembered state, the notifier that turns sync events
 * into deliveries, and {@code --notify-test}. Rendering, delivery and sinks live in the
 * sub-packages, which form a DAG: event ← sink ← provider ← delivery ← notify.
 */
package dev.gitsync.notify;
