package dev.gitsync.notify.event;

/**
 * One commit in a notification.
 *
 * @param hash the full hash
 * @param author the author's name
 * @param subject the first line of the message
 */
public record Commit(String hash, String author, String subject) {
  /** The first seven digits. */
  public String shortHash() {
    return hash.length() > 7 ? hash.substring(0, 7) : hash;
  }
}
