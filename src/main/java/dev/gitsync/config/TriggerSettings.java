package dev.gitsync.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The push-trigger listener ({@code --trigger-*}).
 *
 * @param bind where to listen
 * @param secretFile the shared secret's file (re-read when it changes)
 * @param minInterval the minimum time between two passes started by triggers
 */
public record TriggerSettings(BindAddress bind, Path secretFile, Duration minInterval) {}
