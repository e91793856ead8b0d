package dev.gitsync.sync;

import dev.gitsync.config.SyncSignal;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.function.IntConsumer;

/**
 * The only class that touches POSIX signals. SIGTERM and SIGINT start a graceful shutdown (upstream
 * has none: its process just dies); the {@code --sync-on-signal} signal requests a sync.
 *
 * <p>It uses {@code sun.misc.Signal} from the {@code jdk.unsupported} module, the JDK's only signal
 * API, through reflection: javac flags any direct use as proprietary API and that warning cannot be
 * suppressed under {@code -Werror}.
 */
public final class Signals {
  private Signals() {}

  /** Calls {@code handler} with the signal number on SIGTERM or SIGINT. */
  public static void onShutdown(IntConsumer handler) {
    handle("TERM", handler);
    handle("INT", handler);
  }

  /**
   * Runs {@code action} whenever {@code signal} arrives.
   *
   * @throws IllegalArgumentException when the signal cannot be handled here (the JVM reserves some
   *     signals, and TERM, INT, KILL and STOP have fixed meanings)
   */
  public static void onSync(SyncSignal signal, Runnable action) {
    switch (signal.name()) {
      case "TERM":
      case "INT":
      case "KILL":
      case "STOP":
        throw new IllegalArgumentException(
            "SIG" + signal.name() + " cannot be used to trigger syncs");
      default:
        break;
    }
    handle(signal.name(), n -> action.run());
  }

  private static void handle(String name, IntConsumer handler) {
    try {
      Class<?> signalClass = Class.forName("sun.misc.Signal");
      Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
      Object signal = signalClass.getConstructor(String.class).newInstance(name);
      Method number = signalClass.getMethod("getNumber");
      Object proxy =
          Proxy.newProxyInstance(
              Signals.class.getClassLoader(),
              new Class<?>[] {handlerClass},
              (p, m, args) -> {
                if (m.getName().equals("handle")) {
                  handler.accept((Integer) number.invoke(args[0]));
                  return null;
                }
                if (m.getName().equals("hashCode")) {
                  return System.identityHashCode(p);
                }
                if (m.getName().equals("equals")) {
                  return p == args[0];
                }
                return "signal handler for SIG" + name;
              });
      signalClass.getMethod("handle", signalClass, handlerClass).invoke(null, signal, proxy);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      throw new IllegalArgumentException(
          "SIG" + name + " cannot be handled: " + cause.getMessage(), cause);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("this Java runtime has no signal support", e);
    }
  }
}
