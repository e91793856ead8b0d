/**
 * Push-triggered sync: a separate listener that verifies webhooks from GitHub, GitLab, Gitea,
 * Forgejo and Bitbucket (and signed requests from scripts) and wakes the sync loop.
 */
package dev.gitsync.trigger;
