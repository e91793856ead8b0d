package dev.gitsync.config;

import java.net.URI;
import java.nio.file.Path;

/**
 * {@code --kube-events}: where the pod's Events go and how to reach the API server.
 *
 * @param namespace the pod's namespace
 * @param pod the pod's name
 * @param apiUrl the API server
 * @param tokenFile the service account's bearer token (re-read: bound tokens rotate)
 * @param caFile the only CA trusted for the API server
 */
public record KubeEventsSettings(
    String namespace, String pod, URI apiUrl, java.nio.file.Path tokenFile, Path caFile) {}
