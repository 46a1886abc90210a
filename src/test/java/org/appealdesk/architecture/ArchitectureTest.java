package org.appealdesk.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The dependency direction of ARCHITECTURE.md: edges depend on the core, never the reverse, and no cycles. */
class ArchitectureTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("org.appealdesk");
    }

    @Test
    void nothingButTheWiringDependsOnTheEdges() {
        // Proves: web, the SMPP adapter and the simulator are leaves: only the wiring (app, cli) may use them.
        noClasses().that().resideOutsideOfPackages("org.appealdesk.app..", "org.appealdesk.cli..", "org.appealdesk.web..")
                .should().dependOnClassesThat().resideInAPackage("org.appealdesk.web..").check(classes);
        noClasses().that().resideOutsideOfPackages("org.appealdesk.app..", "org.appealdesk.cli..", "org.appealdesk.sms.smpp..")
                .should().dependOnClassesThat().resideInAPackage("org.appealdesk.sms.smpp..").check(classes);
        noClasses().that().resideOutsideOfPackages("org.appealdesk.app..", "org.appealdesk.cli..", "org.appealdesk.sim..")
                .should().dependOnClassesThat().resideInAPackage("org.appealdesk.sim..").check(classes);
    }

    @Test
    void theCoreNeverDependsOnTheWiring() {
        // Proves: capabilities do not reach back into the application that wires them.
        noClasses().that().resideOutsideOfPackages("org.appealdesk.app..", "org.appealdesk.cli..")
                .should().dependOnClassesThat().resideInAnyPackage("org.appealdesk.app..", "org.appealdesk.cli..").check(classes);
    }

    @Test
    void platformDependsOnNoCapability() {
        // Proves: the platform (database, money, ids, crypto) sits under everything and knows none of it.
        noClasses().that().resideInAPackage("org.appealdesk.platform..")
                .should().dependOnClassesThat().resideInAnyPackage("org.appealdesk.appeal..", "org.appealdesk.sms..", "org.appealdesk.donation..",
                        "org.appealdesk.ledger..", "org.appealdesk.donor..", "org.appealdesk.totals..").check(classes);
    }

    @Test
    void theLedgerAndTotalsKnowNothingOfDonations() {
        // Proves: money bookkeeping is below the donation lifecycle, so other doors (web gifts, refunds) can use it.
        noClasses().that().resideInAnyPackage("org.appealdesk.ledger..", "org.appealdesk.totals..", "org.appealdesk.appeal..", "org.appealdesk.donor..")
                .should().dependOnClassesThat().resideInAPackage("org.appealdesk.donation..").check(classes);
    }

    @Test
    void capabilitiesHaveNoCycles() {
        // Proves: no two capability packages depend on each other, directly or round about.
        slices().matching("org.appealdesk.(*)..").should().beFreeOfCycles().check(classes);
    }
}
