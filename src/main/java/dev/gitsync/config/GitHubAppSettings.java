package dev.gitsync.config;

import java.util.Optional;

/**
 * GitHub App authentication: an installation token obtained with a JWT signed by the app's key.
 *
 * @param baseUrl the GitHub API base URL
 * @param privateKey the PEM private key, when given in the environment
 * @param privateKeyFile the file the PEM private key is read from, when given
 * @param issuer the JWT issuer: the app's client ID, or its application ID
 * @param installationId the installation whose token is requested
 */
public record GitHubAppSettings(
    String baseUrl,
    Optional<Secret> privateKey,
    Optional<String> privateKeyFile,
    String issuer,
    long installationId) {}
