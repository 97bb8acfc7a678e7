package io.gatehouse.cli;

import io.gatehouse.server.Gatehouse;
import io.gatehouse.server.audit.AuditVerifier;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code gatehouse audit verify}: checks the audit chain; exit code 0 when intact, 1 when not. */
@Command(name = "audit", mixinStandardHelpOptions = true, description = "Check the audit log.",
        subcommands = {AuditCommand.Verify.class})
final class AuditCommand {

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Verify the audit chain and print its head.",
                    "Exits 0 when the chain is intact, 1 when a record was altered, inserted or deleted (each"
                            + " problem is printed with where the chain breaks), 2 when it could not run."})
    static final class Verify implements Callable<Integer> {
        @Mixin
        DataOptions dataOptions;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            try (Gatehouse.Services services = Gatehouse.Services.open(dataOptions.load(Map.of()),
                    Clock.systemUTC(), false)) {
                AuditVerifier.AuditReport report = new AuditVerifier(services.keyring(), Clock.systemUTC(),
                        Gatehouse.auditHeadFile(services.config()))
                        .verify(services.database());
                PrintWriter out = spec.commandLine().getOut();
                out.println("linked records: " + report.linkedRecords() + ", not yet linked: "
                        + report.pendingRecords());
                out.println("chain head: position " + report.headPosition() + ", MAC " + report.headMac());
                report.problems().forEach(problem -> out.println("PROBLEM: " + problem));
                out.println(report.intact() ? "audit chain intact" : "audit chain BROKEN (" + report.problems().size()
                        + " problem(s))");
                out.flush();
                return report.intact() ? 0 : 1;
            }
        }
    }
}
