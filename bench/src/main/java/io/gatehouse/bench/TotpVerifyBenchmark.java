package io.gatehouse.bench;

import com.warrenstrange.googleauth.GoogleAuthenticator;
import com.warrenstrange.googleauth.GoogleAuthenticatorConfig;
import com.warrenstrange.googleauth.HmacHashFunction;
import io.gatehouse.protocol.codec.Base32;
import io.gatehouse.protocol.otp.OtpAlgorithm;
import io.gatehouse.protocol.otp.Totp;
import io.gatehouse.protocol.otp.TotpParameters;
import java.security.GeneralSecurityException;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * TOTP verification in memory: Gatehouse's {@link Totp#match} against the raw HMAC work it has to do (the floor)
 * and against a well-known Java TOTP library (com.warrenstrange:googleauth 1.5.0), all in the same run.
 *
 * <p>The window is Gatehouse's default policy: look-behind 1, look-ahead 0, so steps {T-1, T} and two HMACs.
 * {@code match} always computes every step of the window (constant time), so the code it is given (the previous
 * step's) is also its worst case.
 *
 * <ul>
 *   <li>{@code gatehouse_match}: {@code Totp.match} on a {@code Totp} built once (the Mac is initialised once).</li>
 *   <li>{@code gatehouse_construct_and_match}: {@code new Totp(params, key).match(...)}, which is what the server
 *       does per request (after decrypting the seed); the like-for-like peer of googleauth, which also sets up
 *       its Mac on every call.</li>
 *   <li>{@code floor_two_hmacs}: two {@code Mac.update(8-byte counter)} + {@code Mac.doFinal(buffer, 0)} on a
 *       pre-initialised Mac with pre-encoded counters. Only the HMACs: no dynamic truncation, no formatting, no
 *       comparison, no counter encoding. So {@code gatehouse_match / floor} is the fraction of time spent on HMACs,
 *       and everything else {@code match} does counts against it.</li>
 *   <li>{@code googleauth_authorize}: {@code GoogleAuthenticator.authorize(secretBase32, code, timeMillis)} with
 *       window size 2 and the time shifted back by one period, which makes it check exactly steps {T-1, T} (its
 *       window of size w checks offsets -(w-1)/2 .. w/2, i.e. {0, +1} for w = 2). It stops at the first match and
 *       checks the older step first, so it is given the code of step T: it computes both HMACs, as match does.</li>
 *   <li>{@code googleauth_authorize_w3}: the library's default window size 3 (steps T-1, T, T+1) with the same
 *       code as {@code gatehouse_match} (step T-1). Because it stops at the first match this is its best case:
 *       one HMAC. Shown for completeness; the target is judged on {@code googleauth_authorize}.</li>
 * </ul>
 *
 * Every configuration is checked in {@link Keys#setUp()} (right answer, right window) before anything is measured.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xms1g", "-Xmx1g"})
@Threads(1)
public class TotpVerifyBenchmark {

    /** An arbitrary fixed instant, in the middle of a 30 s step. */
    static final long NOW_SECONDS = 1_767_225_615L;
    static final int PERIOD = 30;
    static final int DIGITS = 6;
    static final int LOOK_BEHIND = 1;
    static final int LOOK_AHEAD = 0;

    @State(Scope.Thread)
    public static class Keys {
        @Param({"SHA1", "SHA256", "SHA512"})
        public String algorithm;

        TotpParameters params;
        byte[] key;
        String secretBase32;
        long currentStep;
        /** The code of step T-1: what gatehouse_match and googleauth_authorize_w3 verify. */
        String previousCode;
        /** The code of step T: what googleauth_authorize verifies (see the class comment). */
        int currentCodeInt;
        int previousCodeInt;

        Totp totp;

        Mac floorMac;
        byte[] floorCounterPrevious;
        byte[] floorCounterCurrent;
        byte[] floorDigest;

        GoogleAuthenticator googleSameWindow;
        GoogleAuthenticator googleWindow3;

        @Setup
        public void setUp() throws GeneralSecurityException {
            OtpAlgorithm alg = OtpAlgorithm.valueOf(algorithm);
            params = new TotpParameters(alg, DIGITS, PERIOD);
            // The seed length Gatehouse enrols for this algorithm (TotpEnrollments.seedLength); fixed, so every
            // run measures the same key.
            key = new byte[switch (alg) {
                case SHA1 -> 20;
                case SHA256 -> 32;
                case SHA512 -> 64;
            }];
            new Random(42).nextBytes(key);
            secretBase32 = Base32.encode(key);
            totp = new Totp(params, key);
            currentStep = totp.stepAt(NOW_SECONDS);
            previousCode = totp.codeAt(NOW_SECONDS - PERIOD);
            String currentCode = totp.codeAt(NOW_SECONDS);
            previousCodeInt = Integer.parseInt(previousCode);
            currentCodeInt = Integer.parseInt(currentCode);

            floorMac = Mac.getInstance(alg.macName());
            floorMac.init(new SecretKeySpec(key, alg.macName()));
            floorCounterPrevious = counter(currentStep - 1);
            floorCounterCurrent = counter(currentStep);
            floorDigest = new byte[floorMac.getMacLength()];

            HmacHashFunction hash = HmacHashFunction.valueOf(alg.macName());
            googleSameWindow = new GoogleAuthenticator(new GoogleAuthenticatorConfig.GoogleAuthenticatorConfigBuilder()
                    .setHmacHashFunction(hash).setCodeDigits(DIGITS)
                    .setTimeStepSizeInMillis(TimeUnit.SECONDS.toMillis(PERIOD)).setWindowSize(2).build());
            googleWindow3 = new GoogleAuthenticator(new GoogleAuthenticatorConfig.GoogleAuthenticatorConfigBuilder()
                    .setHmacHashFunction(hash).setCodeDigits(DIGITS)
                    .setTimeStepSizeInMillis(TimeUnit.SECONDS.toMillis(PERIOD)).setWindowSize(3).build());

            check();
        }

        /** Fails the run unless every contender answers correctly on exactly the intended window. */
        private void check() throws ShortBufferException {
            require(totp.match(previousCode, NOW_SECONDS, LOOK_BEHIND, LOOK_AHEAD).equals(
                    OptionalLong.of(currentStep - 1)), "gatehouse match of the previous step's code");
            require(new Totp(params, key).match(previousCode, NOW_SECONDS, LOOK_BEHIND, LOOK_AHEAD).isPresent(),
                    "gatehouse construct-and-match");
            String nextCode = totp.codeAt(NOW_SECONDS + PERIOD);
            String olderCode = totp.codeAt(NOW_SECONDS - 2L * PERIOD);
            require(totp.match(nextCode, NOW_SECONDS, LOOK_BEHIND, LOOK_AHEAD).isEmpty(),
                    "gatehouse window excludes T+1");

            // The floor computes the same HMACs as Hotp: truncating its digest gives the same codes.
            floorMac.update(floorCounterPrevious);
            floorMac.doFinal(floorDigest, 0);
            require(truncate(floorDigest) == previousCodeInt, "floor HMAC of step T-1 equals Hotp's");
            floorMac.update(floorCounterCurrent);
            floorMac.doFinal(floorDigest, 0);
            require(truncate(floorDigest) == currentCodeInt, "floor HMAC of step T equals Hotp's");

            long shifted = TimeUnit.SECONDS.toMillis(NOW_SECONDS - PERIOD);
            require(googleSameWindow.getTotpPassword(secretBase32, TimeUnit.SECONDS.toMillis(NOW_SECONDS))
                    == currentCodeInt, "googleauth computes the same codes (same key, algorithm)");
            require(googleSameWindow.authorize(secretBase32, currentCodeInt, shifted), "googleauth w2: step T");
            require(googleSameWindow.authorize(secretBase32, previousCodeInt, shifted), "googleauth w2: step T-1");
            require(!googleSameWindow.authorize(secretBase32, Integer.parseInt(nextCode), shifted),
                    "googleauth w2 (shifted) excludes T+1");
            require(!googleSameWindow.authorize(secretBase32, Integer.parseInt(olderCode), shifted),
                    "googleauth w2 (shifted) excludes T-2");
            require(googleWindow3.authorize(secretBase32, previousCodeInt,
                    TimeUnit.SECONDS.toMillis(NOW_SECONDS)), "googleauth w3: step T-1");
        }
    }

    @Benchmark
    public OptionalLong gatehouse_match(Keys k) {
        return k.totp.match(k.previousCode, NOW_SECONDS, LOOK_BEHIND, LOOK_AHEAD);
    }

    @Benchmark
    public OptionalLong gatehouse_construct_and_match(Keys k) {
        return new Totp(k.params, k.key).match(k.previousCode, NOW_SECONDS, LOOK_BEHIND, LOOK_AHEAD);
    }

    @Benchmark
    public int floor_two_hmacs(Keys k) throws ShortBufferException {
        Mac mac = k.floorMac;
        byte[] digest = k.floorDigest;
        mac.update(k.floorCounterPrevious);
        mac.doFinal(digest, 0);
        int a = digest[digest.length - 1];
        mac.update(k.floorCounterCurrent);
        mac.doFinal(digest, 0);
        return a ^ digest[digest.length - 1];
    }

    @Benchmark
    public boolean googleauth_authorize(Keys k) {
        return k.googleSameWindow.authorize(k.secretBase32, k.currentCodeInt,
                TimeUnit.SECONDS.toMillis(NOW_SECONDS - PERIOD));
    }

    @Benchmark
    public boolean googleauth_authorize_w3(Keys k) {
        return k.googleWindow3.authorize(k.secretBase32, k.previousCodeInt, TimeUnit.SECONDS.toMillis(NOW_SECONDS));
    }

    static byte[] counter(long value) {
        byte[] out = new byte[8];
        for (int i = 7; i >= 0; i--) {
            out[i] = (byte) value;
            value >>>= 8;
        }
        return out;
    }

    /** RFC 4226 §5.3 dynamic truncation, 6 digits; used only to check the floor, never measured. */
    static int truncate(byte[] h) {
        int offset = h[h.length - 1] & 0x0F;
        int binary = ((h[offset] & 0x7F) << 24) | ((h[offset + 1] & 0xFF) << 16) | ((h[offset + 2] & 0xFF) << 8)
                | (h[offset + 3] & 0xFF);
        return binary % 1_000_000;
    }

    static void require(boolean condition, String what) {
        if (!condition) {
            throw new IllegalStateException("benchmark precondition failed: " + what);
        }
    }
}
