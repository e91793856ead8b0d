/**
 * One renderer and judge per service (Slack, Teams, Discord, Google Chat, Mattermost and
 * Rocket.Chat, generic webhooks): each turns an event into a request in the service's own format
 * and limits, and says what an answer means. Nothing here sends or retries.
 */
package dev.gitsync.notify.provider;
