/**
 * Delivery: the durable outbox, one worker per sink with retries and pacing, and what is learnt
 * about sinks (threads, disabled sinks and how they come back).
 */
package dev.gitsync.notify.delivery;
