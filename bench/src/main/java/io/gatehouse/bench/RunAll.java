package io.gatehouse.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the Gatehouse benchmarks with JMH and prints each result beside its floor or peer, with the ratio.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar io.gatehouse.bench.RunAll \
 *     [totp] [durable] [proof] [scan] [offline] [bundle] [doorcode] [render] [load] [totp-load] [upload] [slow]
 *     [wallet] [signin-load] [alert-load] [redirect-load]
 *     [-p NAME=V1,V2] [--json FILE] [--quick]
 * </pre>
 *
 * The words pick what runs: the JMH classes {@code totp} ({@link TotpVerifyBenchmark}), {@code durable}
 * ({@link DurableVerifyBenchmark}), {@code proof} ({@link ProofVerifyBenchmark}), {@code scan}
 * ({@link DurableScanBenchmark}), {@code offline} ({@link OfflineDecisionBenchmark}), {@code bundle}
 * ({@link BundleBenchmark}), {@code doorcode} ({@link DoorCodeBenchmark}), {@code render}
 * ({@link RenderBenchmark}), and {@code load}, the HTTP load
 * generator {@link ScanLoad} with its default settings, run after the JMH benchmarks (never at the same time),
 * {@code totp-load}, the HTTP load generator for TOTP
 * verification {@link TotpLoad}, {@code upload}, {@link UploadStallLoad} (TOTP latency during reader uploads),
 * {@code slow}, {@link SlowClientLoad} (latency beside 1,000 slow clients), and {@code wallet},
 * {@link WalletClickLoad} (the web wallet's click to QR code in Chromium), and {@code signin-load},
 * {@link SignInLoad} (OIDC sign-ins beside Keycloak), and {@code alert-load}, {@link AlertLoad} (the anomaly engine's
 * cost and detection delay), and {@code redirect-load}, {@link CodeRedirectLoad} (managed codes' redirects), each
 * with its defaults, after those.
 * Default: every JMH class, none of {@code load}, {@code totp-load}, {@code upload}, {@code slow}, {@code wallet},
 * {@code signin-load}, {@code alert-load} or {@code redirect-load}.
 * {@code -p} restricts a parameter ({@code algorithm}, {@code db} or {@code credentials}), {@code --json} also writes
 * JMH's JSON results, and {@code --quick} cuts every JMH run to one 1-second warm-up and one 1-second measurement (a
 * smoke test: the figures mean little).
 *
 * <p>Ratios are of throughputs, so {@code gatehouse/floor} is the fraction of the HMAC-only speed that
 * verification keeps. The "±" of a ratio combines the two scores' JMH errors (99.9% intervals) to first order; it
 * is a rough guide, not a confidence interval.
 */
public final class RunAll {
    private static final String TOTP = TotpVerifyBenchmark.class.getName();
    private static final String DURABLE = DurableVerifyBenchmark.class.getName();
    private static final String PROOF = ProofVerifyBenchmark.class.getName();
    private static final String SCAN = DurableScanBenchmark.class.getName();
    private static final String OFFLINE = OfflineDecisionBenchmark.class.getName();
    private static final String BUNDLE = BundleBenchmark.class.getName();
    private static final String DOOR_CODE = DoorCodeBenchmark.class.getName();
    private static final String RENDER = RenderBenchmark.class.getName();

    private RunAll() {
    }

    public static void main(String[] args) throws Exception {
        Set<String> classes = new LinkedHashSet<>();
        boolean load = false;
        boolean totpLoad = false;
        boolean upload = false;
        boolean slow = false;
        boolean wallet = false;
        boolean signInLoad = false;
        boolean alertLoad = false;
        boolean redirectLoad = false;
        ChainedOptionsBuilder options = new OptionsBuilder().shouldFailOnError(true);
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "totp" -> classes.add(TOTP);
                case "durable" -> classes.add(DURABLE);
                case "proof" -> classes.add(PROOF);
                case "scan" -> classes.add(SCAN);
                case "offline" -> classes.add(OFFLINE);
                case "bundle" -> classes.add(BUNDLE);
                case "doorcode" -> classes.add(DOOR_CODE);
                case "render" -> classes.add(RENDER);
                case "load" -> load = true;
                case "totp-load" -> totpLoad = true;
                case "upload" -> upload = true;
                case "slow" -> slow = true;
                case "wallet" -> wallet = true;
                case "signin-load" -> signInLoad = true;
                case "alert-load" -> alertLoad = true;
                case "redirect-load" -> redirectLoad = true;
                case "--quick" -> options.warmupIterations(1).warmupTime(TimeValue.seconds(1))
                        .measurementIterations(1).measurementTime(TimeValue.seconds(1));
                case "--json" -> options.result(value(args, ++i, "--json")).resultFormat(ResultFormatType.JSON);
                case "-p" -> {
                    String[] nameValues = value(args, ++i, "-p").split("=", 2);
                    if (nameValues.length != 2) {
                        throw new IllegalArgumentException("-p: expected NAME=V1,V2, got " + args[i]);
                    }
                    options.param(nameValues[0], nameValues[1].split(","));
                }
                default -> throw new IllegalArgumentException("unknown argument '" + args[i]
                        + "'; expected totp, durable, proof, scan, offline, bundle, doorcode, render, load, totp-load,"
                        + " upload, slow, wallet, signin-load, alert-load, redirect-load, -p NAME=V1,V2, --json FILE or --quick");
            }
        }
        if (classes.isEmpty() && !load && !totpLoad && !upload && !slow && !wallet && !signInLoad && !alertLoad
                && !redirectLoad) {
            classes.addAll(List.of(TOTP, DURABLE, PROOF, SCAN, OFFLINE, BUNDLE, DOOR_CODE, RENDER));
        }
        String report = "";
        if (!classes.isEmpty()) {
            for (String name : classes) {
                options.include("^" + name.replace(".", "\\.") + "\\.");
            }
            report = report(new Runner(options.build()).run());
        }
        if (load) {
            // After the JMH forks have ended: never two benchmark processes at once.
            report += new ScanLoad().run();
        }
        if (totpLoad) {
            report += new TotpLoad().run();
        }
        if (upload) {
            report += new UploadStallLoad().run();
        }
        if (slow) {
            report += new SlowClientLoad().run();
        }
        if (wallet) {
            report += new WalletClickLoad().run();
        }
        if (signInLoad) {
            report += new SignInLoad().run();
        }
        if (alertLoad) {
            report += new AlertLoad().run();
        }
        if (redirectLoad) {
            report += new CodeRedirectLoad().run();
        }
        System.out.println();
        System.out.println(report);
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[i];
    }

    /** Scores by parameter value, then benchmark method. */
    private static Map<String, Map<String, Result<?>>> byParam(Collection<RunResult> results, String className,
            String param) {
        Map<String, Map<String, Result<?>>> table = new TreeMap<>();
        for (RunResult run : results) {
            String benchmark = run.getParams().getBenchmark();
            if (!benchmark.startsWith(className + ".")) {
                continue;
            }
            String method = benchmark.substring(className.length() + 1);
            table.computeIfAbsent(run.getParams().getParam(param), k -> new TreeMap<>())
                    .put(method, run.getPrimaryResult());
        }
        return table;
    }

    /** Scores by benchmark method, for a class without parameters. */
    private static Map<String, Result<?>> byMethod(Collection<RunResult> results, String className) {
        Map<String, Result<?>> table = new TreeMap<>();
        for (RunResult run : results) {
            String benchmark = run.getParams().getBenchmark();
            if (benchmark.startsWith(className + ".")) {
                table.put(benchmark.substring(className.length() + 1), run.getPrimaryResult());
            }
        }
        return table;
    }

    static String report(Collection<RunResult> results) {
        StringBuilder out = new StringBuilder();
        Map<String, Map<String, Result<?>>> totp = byParam(results, TOTP, "algorithm");
        if (!totp.isEmpty()) {
            out.append("TOTP verification in memory (TotpVerifyBenchmark; throughput, higher is better)\n\n");
            out.append(HEADER.replace("param", "algorithm"));
            totp.forEach((algorithm, scores) -> scores.forEach((method, r) -> out.append(row(algorithm, method, r))));
            out.append("\n| algorithm | ratio | value | target | met |\n|---|---|---:|---|---|\n");
            for (var entry : totp.entrySet()) {
                String a = entry.getKey();
                Map<String, Result<?>> s = entry.getValue();
                ratio(out, a, s, "gatehouse_match", "floor_two_hmacs", ">= 0.80", 0.80);
                ratio(out, a, s, "gatehouse_match", "googleauth_authorize", "> 1 (faster)", 1.0);
                ratio(out, a, s, "gatehouse_construct_and_match", "googleauth_authorize", "> 1 (faster)", 1.0);
                ratio(out, a, s, "gatehouse_match", "googleauth_authorize_w3", "(for information)", Double.NaN);
                ratio(out, a, s, "gatehouse_construct_and_match", "googleauth_authorize_w3", "(for information)",
                        Double.NaN);
            }
            out.append('\n');
        }
        Map<String, Map<String, Result<?>>> durable = byParam(results, DURABLE, "db");
        if (!durable.isEmpty()) {
            out.append("Durable verification (DurableVerifyBenchmark; throughput, higher is better)\n\n");
            out.append(HEADER.replace("param", "db"));
            durable.forEach((db, scores) -> scores.forEach((method, r) -> out.append(row(db, method, r))));
            out.append("\n| db | ratio | value | target | met |\n|---|---|---:|---|---|\n");
            for (var entry : durable.entrySet()) {
                String db = entry.getKey();
                Map<String, Result<?>> s = entry.getValue();
                ratio(out, db, s, "durable_verify", "raw_commit", "(none set)", Double.NaN);
                ratio(out, db, s, "durable_verify_4threads", "raw_commit_4threads", "(none set)", Double.NaN);
                ratio(out, db, s, "durable_verify_4threads", "durable_verify", "(scaling, 4 vs 1 thread)",
                        Double.NaN);
                ratio(out, db, s, "raw_commit_4threads", "raw_commit", "(scaling, 4 vs 1 thread)", Double.NaN);
            }
            out.append('\n');
        }
        Map<String, Result<?>> proof = byMethod(results, PROOF);
        if (!proof.isEmpty()) {
            out.append("Access-proof verification in memory (ProofVerifyBenchmark; throughput, higher is better)\n\n");
            out.append(HEADER);
            proof.forEach((method, r) -> out.append(row("-", method, r)));
            out.append(RATIO_HEADER);
            ratio(out, "-", proof, "decide", "floor_raw_verify", ">= 0.85", 0.85);
            ratio(out, "-", proof, "decide", "floor_raw_verify_new_signature", "(for information)", Double.NaN);
            ratio(out, "-", proof, "decide", "parse_only", "(share of a decision's time spent parsing)",
                    Double.NaN);
            out.append('\n');
        }
        Map<String, Result<?>> doorCode = byMethod(results, DOOR_CODE);
        if (!doorCode.isEmpty()) {
            out.append("Door-code endpoint cryptography: assertion check and mint (DoorCodeBenchmark; throughput,"
                    + " higher is better)\n\n");
            out.append(HEADER);
            doorCode.forEach((method, r) -> out.append(row("-", method, r)));
            out.append(RATIO_HEADER);
            ratio(out, "-", doorCode, "assertion_and_mint", "floor_verify_and_sign", ">= 0.8", 0.8);
            out.append('\n');
        }
        Map<String, Result<?>> render = byMethod(results, RENDER);
        if (!render.isEmpty()) {
            out.append("Branded code images, each decoded back before it is returned (RenderBenchmark; average time,"
                    + " lower is better; a ratio is how many times the floor's time a rendering takes)\n\n");
            out.append(HEADER);
            render.forEach((method, r) -> out.append(row("-", method, r)));
            out.append(RATIO_HEADER);
            for (String format : List.of("png", "svg", "pdf")) {
                ratio(out, "-", render, format, "floor_zxing_encode", "(for information)", Double.NaN);
                ratio(out, "-", render, format + "_logo", "floor_zxing_encode_h", "(for information)", Double.NaN);
            }
            out.append('\n');
        }
        Map<String, Map<String, Result<?>>> scan = byParam(results, SCAN, "db");
        if (!scan.isEmpty()) {
            out.append("Durable door decisions in-process (DurableScanBenchmark; throughput, higher is better)\n\n");
            out.append(HEADER);
            scan.forEach((db, scores) -> scores.forEach((method, r) -> out.append(row(db, method, r))));
            out.append(RATIO_HEADER);
            for (var entry : scan.entrySet()) {
                String db = entry.getKey();
                Map<String, Result<?>> s = entry.getValue();
                ratio(out, db, s, "scan", "raw_verify_commit", "(none set)", Double.NaN);
                ratio(out, db, s, "scan_4threads", "raw_verify_commit_4threads", "(none set)", Double.NaN);
                ratio(out, db, s, "scan_4threads", "scan", "(scaling, 4 vs 1 thread)", Double.NaN);
                ratio(out, db, s, "raw_verify_commit_4threads", "raw_verify_commit", "(scaling, 4 vs 1 thread)",
                        Double.NaN);
            }
            out.append('\n');
        }
        Map<String, Result<?>> offline = byMethod(results, OFFLINE);
        if (!offline.isEmpty()) {
            out.append("Offline decisions on the reader, bundle of " + OfflineDecisionBenchmark.CREDENTIALS
                    + " credentials (OfflineDecisionBenchmark; throughput, higher is better)\n\n");
            out.append(HEADER);
            offline.forEach((method, r) -> out.append(row("-", method, r)));
            out.append(RATIO_HEADER);
            ratio(out, "-", offline, "offline_decide", "floor_raw_verify", "(none set; issue 3's proof target is"
                    + " 0.85)", Double.NaN);
            ratio(out, "-", offline, "offline_decide_durable", "floor_fsync", "(none set)", Double.NaN);
            ratio(out, "-", offline, "offline_decide_durable", "floor_durable_minimum", "(none set)", Double.NaN);
            ratio(out, "-", offline, "offline_decide_durable", "offline_decide", "(cost of durability)", Double.NaN);
            out.append('\n');
        }
        Map<String, Map<String, Result<?>>> bundle = byParam(results, BUNDLE, "credentials");
        if (!bundle.isEmpty()) {
            out.append("Reader bundles (BundleBenchmark; average time, lower is better)\n\n");
            out.append(HEADER);
            bundle.forEach((n, scores) -> scores.forEach((method, r) -> out.append(row(n, method, r))));
            out.append("\nRatios of times floor / measured, i.e. the fraction of the floor's speed kept:\n");
            out.append(RATIO_HEADER);
            for (var entry : bundle.entrySet()) {
                String n = entry.getKey();
                Map<String, Result<?>> s = entry.getValue();
                ratio(out, n, s, "floor_sign", "encode_sign", "(none set)", Double.NaN);
                ratio(out, n, s, "floor_verify", "parse_verify", "(none set)", Double.NaN);
            }
            out.append("\n| credentials | bundle size (bytes) | per credential |\n|---:|---:|---:|\n");
            for (String n : bundle.keySet()) {
                int size = Bundles.size(Integer.parseInt(n));
                out.append(String.format(Locale.ROOT, "| %s | %,d | %.1f |%n", n, size,
                        size / (double) Integer.parseInt(n)));
            }
            out.append('\n');
        }
        return out.toString();
    }

    private static final String HEADER = "| param | benchmark | score | error (99.9%) | unit | per op |\n"
            + "|---|---|---:|---:|---|---:|\n";
    private static final String RATIO_HEADER = "\n| param | ratio | value | target | met |\n|---|---|---:|---|---|\n";

    /** The time of one operation, from a throughput or an average-time score. */
    private static String perOp(Result<?> r) {
        String unit = r.getScoreUnit();
        double score = r.getScore();
        double nanos = switch (unit) {
            case "ops/ms" -> 1e6 / score;
            case "ops/s" -> 1e9 / score;
            case "ops/us" -> 1e3 / score;
            case "ms/op" -> score * 1e6;
            case "s/op" -> score * 1e9;
            case "us/op" -> score * 1e3;
            default -> Double.NaN;
        };
        if (Double.isNaN(nanos)) {
            return "";
        }
        return nanos >= 1e6 ? String.format(Locale.ROOT, "%,.1f ms", nanos / 1e6)
                : nanos >= 1e3 ? String.format(Locale.ROOT, "%,.1f µs", nanos / 1e3)
                : String.format(Locale.ROOT, "%,.0f ns", nanos);
    }

    private static String row(String param, String method, Result<?> r) {
        return String.format(Locale.ROOT, "| %s | %s | %s | ± %s | %s | %s |%n", param, method, number(r.getScore()),
                number(r.getScoreError()), r.getScoreUnit(), perOp(r));
    }

    private static void ratio(StringBuilder out, String param, Map<String, Result<?>> scores, String numerator,
            String denominator, String target, double threshold) {
        Result<?> a = scores.get(numerator);
        Result<?> b = scores.get(denominator);
        if (a == null || b == null) {
            return;
        }
        double value = a.getScore() / b.getScore();
        List<Double> relative = new ArrayList<>();
        for (Result<?> r : List.of(a, b)) {
            double error = r.getScoreError();
            // JMH reports NaN as the error when there are too few iterations to compute one.
            relative.add(Double.isNaN(error) ? 0 : error / r.getScore());
        }
        double error = value * Math.hypot(relative.get(0), relative.get(1));
        boolean ok = target.startsWith(">=") ? value >= threshold : value > threshold;
        String met = Double.isNaN(threshold) ? "" : ok ? "yes" : "NO";
        String digits = value >= 0.1 ? "%.2f" : "%.4f";
        out.append(String.format(Locale.ROOT, "| %s | %s / %s | " + digits + " ± " + digits + " | %s | %s |%n", param,
                numerator, denominator, value, error, target, met));
    }

    private static String number(double value) {
        if (Double.isNaN(value)) {
            return "n/a";
        }
        return String.format(Locale.ROOT, value >= 100 ? "%,.0f" : value >= 10 ? "%.1f" : "%.3f", value);
    }
}
