/**
 * From parsed options to the immutable {@code Config}: upstream's validation, startup checks on
 * paths, credentials in URLs and {@code --credential}; every problem gathered, then reported once.
 */
package dev.gitsync.cli.bind;
