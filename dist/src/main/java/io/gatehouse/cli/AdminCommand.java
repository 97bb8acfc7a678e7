package io.gatehouse.cli;

import io.gatehouse.server.Core;
import io.gatehouse.server.Services;
import io.gatehouse.server.audit.AuditEvent;
import io.gatehouse.server.auth.ApiTokens;
import io.gatehouse.server.auth.Scope;
import io.gatehouse.server.config.GatehouseConfig;
import io.gatehouse.server.crypto.KeyRotation;
import io.gatehouse.server.wallet.MintingKeys;
import io.gatehouse.server.crypto.MasterKeyring;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.reader.BundleKeys;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code gatehouse admin}: operator tasks that work on the data directly, also while the server runs. */
@Command(name = "admin", mixinStandardHelpOptions = true,
        description = "Administration tasks: API tokens and keys. They work on the data directly, also while the"
                + " server runs.",
        subcommands = {AdminCommand.Token.class, AdminCommand.Keys.class})
final class AdminCommand {

    @Command(name = "token", mixinStandardHelpOptions = true, description = "Manage API tokens.",
            subcommands = {TokenCreate.class})
    static final class Token {
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = {"Create an API token and print it as the last line of standard output.",
                    "The token is shown only this once; store it right away."})
    static final class TokenCreate implements Callable<Integer> {
        @Mixin
        DataOptions dataOptions;

        @Option(names = "--name", required = true, paramLabel = "NAME",
                description = "A name that says who or what holds the token.")
        String name;

        @Option(names = "--scopes", split = ",", defaultValue = "admin", paramLabel = "SCOPE[,SCOPE...]",
                hideParamSyntax = true,
                description = "What the token may do, comma-separated: admin, verify, audit:read (default:"
                        + " ${DEFAULT-VALUE}).")
        List<String> scopes;

        @Option(names = "--expires-in-days", paramLabel = "DAYS",
                description = "Make the token stop working this many days from now (1 to 730). Without it, the"
                        + " token works until it is revoked.")
        Integer expiresInDays;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            Set<Scope> parsed = EnumSet.noneOf(Scope.class);
            for (String scope : scopes) {
                parsed.add(Scope.parse(scope).orElseThrow(() -> new ParameterException(spec.commandLine(),
                        "unknown scope '" + scope + "'; known: admin, verify, audit:read")));
            }
            if (expiresInDays != null && (expiresInDays < 1 || expiresInDays > ApiTokens.MAX_LIFETIME_DAYS)) {
                throw new ParameterException(spec.commandLine(), "--expires-in-days must be from 1 to "
                        + ApiTokens.MAX_LIFETIME_DAYS + ", got " + expiresInDays);
            }
            try (Services services = Services.openExisting(dataOptions.load(Map.of()), Clock.systemUTC())) {
                ApiTokens.Created created = services.auth().tokens().create(name, parsed,
                        new ApiTokens.Expiry(Optional.empty(), Optional.ofNullable(expiresInDays)), "cli",
                        ClientInfo.local("gatehouse admin token create"));
                services.core().sealAudit();
                spec.commandLine().getErr().println("Created token " + created.id() + " (" + name + ", scopes "
                        + scopes + created.expiresAt().map(at -> ", expires " + at).orElse("")
                        + "). Store it now: it is not shown again.");
                spec.commandLine().getOut().println(created.token());
                spec.commandLine().getOut().flush();
            }
            return 0;
        }
    }

    @Command(name = "keys", mixinStandardHelpOptions = true,
            description = "Rotate the master key, the bundle-signing key and the minting key.",
            subcommands = {KeysRotate.class, KeysRotateBundle.class, KeysRotateMinting.class})
    static final class Keys {
    }

    @Command(name = "rotate", mixinStandardHelpOptions = true,
            description = {"Add a new master key and re-encrypt every stored secret under it.",
                    "Older keys stay in the key file, so that the audit log, whose MACs used them, still verifies."
                            + " Restart running servers afterwards."})
    static final class KeysRotate implements Callable<Integer> {
        @Mixin
        DataOptions dataOptions;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            GatehouseConfig config = dataOptions.load(Map.of());
            Clock clock = Clock.systemUTC();
            // Opened once before the key file changes, so that a wrong data directory or key file is refused first.
            Services.openExisting(config, clock).close();
            MasterKeyring.addKey(config.masterKeyFile(), new SecureRandom());
            try (Services services = Services.openExisting(config, clock)) {
                Core core = services.core();
                String activeKey = core.keyring().activeKeyId();
                int reencrypted = core.database().inTransaction(tx -> {
                    int count = KeyRotation.reencrypt(tx, core.secrets());
                    core.audit().append(tx, AuditEvent.of("cli", "keys.rotate", ClientInfo.local("gatehouse admin"
                            + " keys rotate")).detail("activeKey", activeKey).detail("reencrypted", count).success());
                    return count;
                });
                core.sealAudit();
                spec.commandLine().getOut().println("New active master key " + activeKey + "; re-encrypted "
                        + reencrypted + " secret(s). Restart running servers to use the new key.");
            }
            return 0;
        }
    }

    @Command(name = "rotate-bundle-key", mixinStandardHelpOptions = true,
            description = {"Take one step of rotating the key that signs reader bundles.",
                    "The first run creates the next key, which bundles then announce. Run it again once every"
                            + " reader has synced: the next key then signs and the old one is retired. Readers need"
                            + " no reprovisioning."})
    static final class KeysRotateBundle implements Callable<Integer> {
        @Mixin
        DataOptions dataOptions;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            return rotationStep(dataOptions, spec, "rotate-bundle-key", (services, client) -> {
                BundleKeys bundleKeys = services.reader().bundleKeys();
                bundleKeys.ensureActive();
                return bundleKeys.rotate(client);
            });
        }
    }

    @Command(name = "rotate-minting-key", mixinStandardHelpOptions = true,
            description = {"Take one step of rotating the key that signs the web wallet's door codes.",
                    "The first run creates the next key, which bundles then publish while the old key still mints."
                            + " Run it again once every reader has synced: the next key then mints and the old one"
                            + " is retired; its codes are denied online at once and at each offline door from its"
                            + " next sync."})
    static final class KeysRotateMinting implements Callable<Integer> {
        @Mixin
        DataOptions dataOptions;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            return rotationStep(dataOptions, spec, "rotate-minting-key", (services, client) -> {
                MintingKeys mintingKeys = services.reader().mintingKeys();
                mintingKeys.ensureActive();
                return mintingKeys.rotate(client);
            });
        }
    }

    /**
     * One step of a two-step key rotation, run on the installation of {@code dataOptions}: prints what {@code step}
     * says it did and seals the audit record it wrote.
     */
    private static int rotationStep(DataOptions dataOptions, CommandSpec spec, String command,
            java.util.function.BiFunction<Services, ClientInfo, Object> step) {
        try (Services services = Services.openExisting(dataOptions.load(Map.of()), Clock.systemUTC())) {
            spec.commandLine().getOut().println(step.apply(services,
                    ClientInfo.local("gatehouse admin keys " + command)));
            services.core().sealAudit();
        }
        return 0;
    }
}
