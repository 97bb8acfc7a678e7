package io.gatehouse.cli;

import io.gatehouse.server.Core;
import io.gatehouse.server.Services;
import io.gatehouse.server.audit.AuditVerifier;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code gatehouse audit verify}: checks the audit chain; exit 0 when intact, 1 when not, 3 for an unsealed tail. */
@Command(name = "audit", mixinStandardHelpOptions = true, description = "Check the audit log.",
        subcommands = {AuditCommand.Verify.class})
final class AuditCommand {

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Verify the audit chain and print its head.",
                    "Exits 0 when the chain is intact, 1 when a record was altered, inserted or deleted (each"
                            + " problem is printed with where the chain breaks), 2 when it could not run, 3 when"
                            + " the chain is intact but a server that was killed left records not linked yet (the"
                            + " next serve links them)."})
    static final class Verify implements Callable<Integer> {
        @Mixin
        DataOptions dataOptions;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            try (Services services = Services.openExisting(dataOptions.load(Map.of()),
                    Clock.systemUTC())) {
                AuditVerifier.AuditReport report = new AuditVerifier(services.core().keyring(), Clock.systemUTC(),
                        Core.auditHeadFile(services.core().config()))
                        .verify(services.core().database());
                PrintWriter out = spec.commandLine().getOut();
                out.println("linked records: " + report.linkedRecords() + ", not yet linked: "
                        + report.pendingRecords());
                out.println("chain head: position " + report.headPosition() + ", MAC " + report.headMac());
                report.problems().forEach(problem -> out.println("PROBLEM: " + problem));
                if (!report.intact()) {
                    out.println("audit chain BROKEN (" + report.problems().size() + " problem(s))");
                    out.flush();
                    return 1;
                }
                if (report.unsealedTail() > 0) {
                    out.println("NOTE: " + report.unsealedTail() + " authentic record(s) after the chain head are not"
                            + " linked yet: the server stopped without sealing them (killed or crashed). Start"
                            + " `gatehouse serve` to link them; until then a deletion among them cannot be detected.");
                    out.println("audit chain intact up to its head, with an unsealed tail");
                    out.flush();
                    return 3;
                }
                out.println("audit chain intact");
                out.flush();
                return 0;
            }
        }
    }
}
