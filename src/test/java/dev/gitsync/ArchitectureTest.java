package dev.gitsync;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The package DAG and the seams, checked rather than documented. */
class ArchitectureTest {
  private static final JavaClasses CLASSES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.gitsync");

  @Test
  void packages_formADag() {
    slices().matching("dev.gitsync.(*)..").should().beFreeOfCycles().check(CLASSES);
  }

  @Test
  void notificationPackages_formADag() {
    slices().matching("dev.gitsync.notify.(*)..").should().beFreeOfCycles().check(CLASSES);
    noClasses()
        .that()
        .resideInAnyPackage("dev.gitsync.notify.event..", "dev.gitsync.notify.sink..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.gitsync.notify.provider..", "dev.gitsync.notify.delivery..")
        .check(CLASSES);
    noClasses()
        .that()
        .resideInAPackage("dev.gitsync.notify.provider..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.gitsync.notify.delivery..")
        .check(CLASSES);
  }

  @Test
  void lowLevelSeams_dependOnNothingOfOurs() {
    noClasses()
        .that()
        .resideInAnyPackage("dev.gitsync.time..", "dev.gitsync.worker..", "dev.gitsync.json..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.gitsync.sync..",
            "dev.gitsync.notify..",
            "dev.gitsync.cli..",
            "dev.gitsync.http..",
            "dev.gitsync.git..")
        .check(CLASSES);
  }

  @Test
  void onlyProcessPackage_startsProcesses() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.gitsync.process..")
        .should()
        .dependOnClassesThat()
        .haveFullyQualifiedName("java.lang.ProcessBuilder")
        .check(CLASSES);
  }

  @Test
  void core_doesNotSeeTheCommandLine() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "dev.gitsync.sync..",
            "dev.gitsync.git..",
            "dev.gitsync.fs..",
            "dev.gitsync.process..",
            "dev.gitsync.config..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.gitsync.cli..")
        .check(CLASSES);
  }

  @Test
  void lowLevelPackages_doNotDependOnTheLoop() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "dev.gitsync.git..", "dev.gitsync.fs..", "dev.gitsync.process..", "dev.gitsync.log..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.gitsync.sync..")
        .check(CLASSES);
  }

  @Test
  void hooksMetricsAndHttp_doNotDependOnTheLoop() {
    noClasses()
        .that()
        .resideInAnyPackage("dev.gitsync.hooks..", "dev.gitsync.http..", "dev.gitsync.metrics..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.gitsync.sync..")
        .check(CLASSES);
  }

  @Test
  void onlyHttpPackage_usesTheJdkHttpClientAndServer() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.gitsync.http..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("java.net.http..", "com.sun.net.httpserver..")
        .check(CLASSES);
  }

  @Test
  void kubernetes_knowsOnlyLeases_notNotificationsOrTheLoop() {
    noClasses()
        .that()
        .resideInAPackage("dev.gitsync.kube..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.gitsync.sync..",
            "dev.gitsync.git..",
            "dev.gitsync.notify..",
            "dev.gitsync.cli..",
            "dev.gitsync.config..",
            "dev.gitsync.process..")
        .check(CLASSES);
  }

  @Test
  void pushTriggers_onlyWakeTheLoop_knowingNothingOfGitOrCredentials() {
    noClasses()
        .that()
        .resideInAPackage("dev.gitsync.trigger..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.gitsync.sync..",
            "dev.gitsync.git..",
            "dev.gitsync.auth..",
            "dev.gitsync.notify..",
            "dev.gitsync.hooks..",
            "dev.gitsync.cli..",
            "dev.gitsync.process..")
        .check(CLASSES);
  }

  @Test
  void notifications_doNotDependOnTheLoopHooksOrCommandLine() {
    noClasses()
        .that()
        .resideInAPackage("dev.gitsync.notify..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.gitsync.sync..", "dev.gitsync.hooks..", "dev.gitsync.cli..")
        .check(CLASSES);
  }

  @Test
  void onlyMain_exits() {
    noClasses()
        .that()
        .doNotHaveFullyQualifiedName("dev.gitsync.Main")
        .should()
        .callMethod(System.class, "exit", int.class)
        .check(CLASSES);
  }
}
