package dev.gitsync.config;

import java.util.Optional;

/**
 * A username and password (or personal access token) for the git servers under one URL, handed to
 * git's credential store before each sync. Exactly one of {@code password} and {@code passwordFile}
 * is present.
 *
 * @param url the URL the credential is for (git matches it by scheme, host and port)
 * @param username the username
 * @param password the password, when given directly
 * @param passwordFile the file the password is read from before each sync, when given
 */
public record Credential(
    String url, String username, Optional<Secret> password, Optional<String> passwordFile) {}
