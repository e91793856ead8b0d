package dev.gitsync.testing;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/** A private CA and a server certificate for 127.0.0.1 signed by it, made with openssl. */
public final class Pki {
  private Pki() {}

  /**
   * Makes {@code dir/ca.pem} (world-readable) and returns a server context whose certificate it
   * signed.
   */
  public static SSLContext server(Path dir) throws Exception {
    String script =
        String.join(
            " && ",
            "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=git-sync-test-ca"
                + " -keyout ca.key -out ca.pem",
            "openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout server.key -out"
                + " server.csr",
            "printf 'subjectAltName=IP:127.0.0.1\\n' > san.ext",
            "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2"
                + " -extfile san.ext -out server.pem",
            "openssl pkcs12 -export -in server.pem -inkey server.key -passout pass:changeit -out"
                + " server.p12");
    Files.createDirectories(dir);
    Process p =
        new ProcessBuilder(List.of("sh", "-c", script))
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("openssl failed: " + out);
    }
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(dir.resolve("server.p12"))) {
      ks.load(in, "changeit".toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, "changeit".toCharArray());
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    Files.setPosixFilePermissions(
        dir.resolve("ca.pem"), PosixFilePermissions.fromString("rw-r--r--"));
    return ctx;
  }
}
