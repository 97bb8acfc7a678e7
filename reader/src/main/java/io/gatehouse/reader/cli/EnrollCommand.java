package io.gatehouse.reader.cli;

import io.gatehouse.protocol.bundle.TrustedKey;
import io.gatehouse.reader.Diagnostics;
import io.gatehouse.reader.Enroller;
import io.gatehouse.reader.ReaderConfig;
import io.gatehouse.reader.ServerClient;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code gatehouse reader enroll --state DIR TOKEN_OR_URL}. */
@Command(name = "enroll",
        description = {"Provision this reader with a one-time provisioning token.",
                "Makes the reader's P-256 key, spends the token, and stores the reader's id, door, credential and"
                        + " the server's pinned bundle keys in the state directory. Enrolling again with a new"
                        + " token provisions it again."},
        mixinStandardHelpOptions = true)
final class EnrollCommand implements Callable<Integer> {

    @ParentCommand
    ReaderCommand parent;

    @Spec
    CommandSpec spec;

    @Option(names = "--state", required = true, paramLabel = "DIR", description = "The reader's state directory.")
    Path stateDir;

    @Option(names = "--force",
            description = "Provision again although some events are not yet uploaded (they are kept).")
    boolean force;

    @Parameters(paramLabel = "TOKEN_OR_URL",
            description = "The provisioning token (ghp_...) or the provisioning link that holds it.")
    String token;

    @Override
    public Integer call() throws Exception {
        return ReaderCommand.run(spec.commandLine(), this::enroll);
    }

    private int enroll() {
        Diagnostics diagnostics = new Diagnostics(spec.commandLine().getErr(), parent.clock());
        Enroller enroller = new Enroller(new ServerClient(parent.http()), parent.random(), parent.clock(), diagnostics);
        ReaderConfig config = enroller.enroll(stateDir, token, force);
        PrintWriter out = spec.commandLine().getOut();
        out.println("reader id: " + config.readerId());
        out.println("door id: " + config.doorId());
        out.println("server: " + config.serverUrl());
        out.println("pinned bundle keys: " + config.pinnedKeys().stream().map(TrustedKey::keyId).collect(Collectors.joining(", ")));
        out.println("state: " + stateDir.toAbsolutePath());
        out.flush();
        return 0;
    }
}
