/**
 * Hooks run after (or, for the pre-publish hook, before) a sync publishes: exec hooks and the
 * webhook, each driven by a runner with upstream's retry and latest-hash-wins semantics.
 */
package dev.gitsync.hooks;
