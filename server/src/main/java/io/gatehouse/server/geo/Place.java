package io.gatehouse.server.geo;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * Where an address is, as far as the configured databases tell: its country, the autonomous system (network
 * operator) that announces it, and a point with the radius the database vouches for. Any part may be unknown.
 */
public record Place(Optional<String> country, OptionalLong asn, Optional<Point> point) {
    /** Nothing known. */
    public static final Place UNKNOWN = new Place(Optional.empty(), OptionalLong.empty(), Optional.empty());

    /** True when at least one part is known. */
    public boolean known() {
        return country.isPresent() || asn.isPresent() || point.isPresent();
    }

    /**
     * A location on the earth's surface.
     *
     * @param latitude degrees, -90 to 90
     * @param longitude degrees, -180 to 180
     * @param radiusKm the accuracy radius: the address is believed to be within this many kilometres of the point
     */
    public record Point(double latitude, double longitude, int radiusKm) {
        /** The mean earth radius (IUGG), in kilometres. */
        static final double EARTH_RADIUS_KM = 6371.0088;

        public Point {
            if (!(latitude >= -90 && latitude <= 90) || !(longitude >= -180 && longitude <= 180) || radiusKm < 0) {
                throw new IllegalArgumentException("not a point: " + latitude + ", " + longitude + " ±" + radiusKm);
            }
        }

        /**
         * The great-circle distance to {@code other} in kilometres, by the haversine formula (well conditioned for
         * small distances, and within 0.5 % of the ellipsoid's distances, far below the radii of address
         * databases).
         */
        public double distanceKm(Point other) {
            double phi1 = Math.toRadians(latitude);
            double phi2 = Math.toRadians(other.latitude);
            double halfDeltaPhi = (phi2 - phi1) / 2;
            double halfDeltaLambda = Math.toRadians(other.longitude - longitude) / 2;
            double h = Math.sin(halfDeltaPhi) * Math.sin(halfDeltaPhi)
                    + Math.cos(phi1) * Math.cos(phi2) * Math.sin(halfDeltaLambda) * Math.sin(halfDeltaLambda);
            // h can exceed 1 by a rounding error for antipodal points.
            return 2 * EARTH_RADIUS_KM * Math.asin(Math.sqrt(Math.min(1.0, h)));
        }

        /**
         * The distance that is certain: the great-circle distance less both accuracy radii, never below zero. Two
         * imprecise locations whose circles overlap may be the same place.
         */
        public double certainDistanceKm(Point other) {
            return Math.max(0.0, distanceKm(other) - radiusKm - other.radiusKm);
        }
    }
}
