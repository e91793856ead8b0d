/**
 * Authentication to git servers over HTTP(S): before each sync it puts the credentials git needs
 * into git's credential store, from {@code --username} with a password or password file, {@code
 * --credential}, an askpass URL, or a GitHub App installation token it obtains and refreshes. Every
 * secret it reads is registered with the redactor before anything could log it.
 */
package dev.gitsync.auth;
