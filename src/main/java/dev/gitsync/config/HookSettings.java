package dev.gitsync.config;

import java.time.Duration;

/**
 * An exec hook ({@code --exechook-*} or {@code --pre-publish-exechook-*}).
 *
 * @param command the program, executed directly (no shell, no arguments)
 * @param timeout how long one run may take before it is killed
 * @param backoff the wait before retrying a failed run
 */
public record HookSettings(String command, Duration timeout, Duration backoff) {}
