/**
 * Verified publishing ({@code --verify}): git checks the signatures of what was fetched with keys
 * the operator trusts (an OpenSSH allowed_signers file, OpenPGP public keys in a private keyring),
 * and a commit that fails is never checked out.
 */
package dev.gitsync.verify;
