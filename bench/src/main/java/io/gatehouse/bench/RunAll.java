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
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the Gatehouse benchmarks with JMH and prints each result beside its floor or peer, with the ratio.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar io.gatehouse.bench.RunAll \
 *     [totp] [durable] [-p NAME=V1,V2] [--json FILE] [--quick]
 * </pre>
 *
 * {@code totp} and {@code durable} pick the benchmark classes (default: both). {@code -p} restricts a parameter
 * ({@code algorithm} or {@code db}), {@code --json} also writes JMH's JSON results, and {@code --quick} cuts every
 * run to one 1-second warm-up and one 1-second measurement (a smoke test: the figures mean little).
 *
 * <p>Ratios are of throughputs, so {@code gatehouse/floor} is the fraction of the HMAC-only speed that
 * verification keeps. The "±" of a ratio combines the two scores' JMH errors (99.9% intervals) to first order; it
 * is a rough guide, not a confidence interval.
 */
public final class RunAll {
    private static final String TOTP = TotpVerifyBenchmark.class.getName();
    private static final String DURABLE = DurableVerifyBenchmark.class.getName();

    private RunAll() {
    }

    public static void main(String[] args) throws RunnerException {
        Set<String> classes = new LinkedHashSet<>();
        ChainedOptionsBuilder options = new OptionsBuilder().shouldFailOnError(true);
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "totp" -> classes.add(TOTP);
                case "durable" -> classes.add(DURABLE);
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
                        + "'; expected totp, durable, -p NAME=V1,V2, --json FILE or --quick");
            }
        }
        if (classes.isEmpty()) {
            classes.add(TOTP);
            classes.add(DURABLE);
        }
        for (String name : classes) {
            options.include("^" + name.replace(".", "\\.") + "\\.");
        }
        Collection<RunResult> results = new Runner(options.build()).run();
        System.out.println();
        System.out.println(report(results));
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

    static String report(Collection<RunResult> results) {
        StringBuilder out = new StringBuilder();
        Map<String, Map<String, Result<?>>> totp = byParam(results, TOTP, "algorithm");
        if (!totp.isEmpty()) {
            out.append("TOTP verification in memory (TotpVerifyBenchmark; throughput, higher is better)\n\n");
            out.append("| algorithm | benchmark | score | error (99.9%) | unit |\n|---|---|---:|---:|---|\n");
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
            out.append("| db | benchmark | score | error (99.9%) | unit |\n|---|---|---:|---:|---|\n");
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
        }
        return out.toString();
    }

    private static String row(String param, String method, Result<?> r) {
        return String.format(Locale.ROOT, "| %s | %s | %s | ± %s | %s |%n", param, method, number(r.getScore()),
                number(r.getScoreError()), r.getScoreUnit());
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
        out.append(String.format(Locale.ROOT, "| %s | %s / %s | %.2f ± %.2f | %s | %s |%n", param, numerator,
                denominator, value, error, target, met));
    }

    private static String number(double value) {
        if (Double.isNaN(value)) {
            return "n/a";
        }
        return String.format(Locale.ROOT, value >= 100 ? "%,.0f" : value >= 10 ? "%.1f" : "%.3f", value);
    }
}
