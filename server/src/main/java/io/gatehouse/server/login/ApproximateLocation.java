package io.gatehouse.server.login;

/**
 * Where a request came from, as roughly as the phone needs to tell "that is me" from "that is not me". The address
 * database of a later change plugs in here (a country from the address); until then the address, truncated to its
 * network, is all there is.
 */
@FunctionalInterface
public interface ApproximateLocation {
    String describe(String address);

    /** An IPv4 address to its /24, an IPv6 address to its /48; anything else as "an unknown network". */
    static ApproximateLocation truncatedAddress() {
        return address -> {
            if (address == null || address.isBlank()) {
                return "an unknown network";
            }
            if (address.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
                return address.substring(0, address.lastIndexOf('.')) + ".0/24";
            }
            if (address.contains(":")) {
                String[] groups = address.replace("[", "").replace("]", "").split(":", -1);
                if (groups.length >= 3 && !groups[0].isEmpty() && !groups[1].isEmpty() && !groups[2].isEmpty()) {
                    return groups[0] + ":" + groups[1] + ":" + groups[2] + "::/48";
                }
                return "a local network";
            }
            return "an unknown network";
        };
    }
}
