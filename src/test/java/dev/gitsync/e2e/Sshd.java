package dev.gitsync.e2e;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real OpenSSH server on a loopback port, with a generated host key and a generated client key
 * that it authorizes, so that known_hosts checking and key authentication really pass or fail.
 */
final class Sshd implements AutoCloseable {
  final Path dir;
  final int port;
  final Path clientKey;
  final Path otherKey;
  final Path knownHosts;
  final Path wrongKnownHosts;
  private final Process process;

  private Sshd(
      Path dir, int port, Path clientKey, Path otherKey, Path knownHosts, Path wrong, Process p) {
    this.dir = dir;
    this.port = port;
    this.clientKey = clientKey;
    this.otherKey = otherKey;
    this.knownHosts = knownHosts;
    this.wrongKnownHosts = wrong;
    this.process = p;
  }

  static Sshd start(Path dir) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Files.createDirectories(Path.of("/run/sshd"));
    Path host = keygen(dir, "host_key");
    Path client = keygen(dir, "client_key");
    Path other = keygen(dir, "other_key");
    Path otherHost = keygen(dir, "other_host_key");
    Files.copy(dir.resolve("client_key.pub"), dir.resolve("authorized_keys"));
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Path config = dir.resolve("sshd_config");
    Files.writeString(
        config,
        String.join(
            "\n",
            "Port " + port,
            "ListenAddress 127.0.0.1",
            "HostKey " + host,
            "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            "PubkeyAuthentication yes",
            "PermitRootLogin prohibit-password",
            "StrictModes no",
            "UsePAM no",
            "PidFile " + dir.resolve("sshd.pid"),
            "LogLevel VERBOSE",
            ""),
        StandardCharsets.UTF_8);
    Path knownHosts = dir.resolve("known_hosts");
    Files.writeString(
        knownHosts, "[127.0.0.1]:" + port + " " + Files.readString(dir.resolve("host_key.pub")));
    Path wrong = dir.resolve("wrong_known_hosts");
    Files.writeString(
        wrong,
        "[127.0.0.1]:"
            + port
            + " "
            + Files.readString(otherHost.resolveSibling("other_host_key.pub")));
    Process p =
        new ProcessBuilder("/usr/sbin/sshd", "-D", "-e", "-f", config.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("sshd.log").toFile())
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
        if (s.isConnected()) {
          break;
        }
      } catch (IOException e) {
        if (!p.isAlive() || System.nanoTime() > deadline) {
          p.destroyForcibly();
          throw new IOException("sshd did not start: " + Files.readString(dir.resolve("sshd.log")));
        }
        Thread.sleep(50);
      }
    }
    return new Sshd(dir, port, client, other, knownHosts, wrong, p);
  }

  private static Path keygen(Path dir, String name) throws IOException, InterruptedException {
    Path k = dir.resolve(name);
    Repo.run(
        dir,
        List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", k.toString()));
    return k;
  }

  /** The ssh:// URL of a repository at an absolute path. */
  String url(Path repo) {
    return "ssh://" + System.getProperty("user.name") + "@127.0.0.1:" + port + repo;
  }

  @Override
  public void close() {
    process.destroy();
    try {
      process.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
