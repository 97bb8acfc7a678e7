package io.gatehouse.server.policy;

import io.gatehouse.server.common.GatehouseException;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * How a person may sign in to an application through the OpenID Connect provider, strongest first. A passkey and a
 * phone approval are phishing-resistant: the passkey's signature covers the origin it was asked on, so a look-alike
 * site cannot relay it. A TOTP or recovery code can be typed into any page.
 */
public enum SignInMethod {
    PASSKEY("passkey", true),
    PHONE("phone", true),
    TOTP("totp", false),
    RECOVERY_CODE("recovery_code", false);

    public static final Set<SignInMethod> ALL = EnumSet.allOf(SignInMethod.class);

    private final String code;
    private final boolean phishingResistant;

    SignInMethod(String code, boolean phishingResistant) {
        this.code = code;
        this.phishingResistant = phishingResistant;
    }

    public String code() {
        return code;
    }

    public boolean phishingResistant() {
        return phishingResistant;
    }

    public static SignInMethod parse(String field, String text) {
        for (SignInMethod method : values()) {
            if (method.code.equals(text)) {
                return method;
            }
        }
        throw GatehouseException.invalidField(field, "one of " + String.join(", ", codes(ALL)), text == null
                ? "null" : "'" + text + "'");
    }

    /** The methods a list of names gives; at least one, none twice. */
    public static Set<SignInMethod> parseAll(String field, Collection<String> texts) {
        if (texts.isEmpty()) {
            throw GatehouseException.invalidField(field, "at least one of " + String.join(", ", codes(ALL)),
                    "an empty list");
        }
        Set<SignInMethod> methods = EnumSet.noneOf(SignInMethod.class);
        for (String text : texts) {
            if (!methods.add(parse(field, text))) {
                throw GatehouseException.invalidField(field, "each method once", "'" + text + "' twice");
            }
        }
        return methods;
    }

    /** The names, strongest first. */
    public static List<String> codes(Collection<SignInMethod> methods) {
        return methods.stream().sorted().map(SignInMethod::code).toList();
    }
}
