package dev.gitsync.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code --notify-leader-election}: where the Lease is and how to reach the API server.
 *
 * @param lease the Lease's name
 * @param namespace the pod's namespace
 * @param identity this replica's holder identity ({@code $POD_NAME} or the host name)
 * @param apiUrl the API server
 * @param tokenFile the service account's bearer token (re-read: bound tokens rotate)
 * @param caFile the only CA trusted for the API server
 * @param leaseDuration how long others wait before taking over an unrenewed Lease
 */
public record LeaderElection(
    String lease,
    String namespace,
    String identity,
    URI apiUrl,
    Path tokenFile,
    Path caFile,
    Duration leaseDuration) {}
