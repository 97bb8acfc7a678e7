package io.gatehouse.qr;

import java.util.Optional;

/**
 * The square in the middle of a symbol that a logo may cover: its modules are not drawn, the background shows
 * instead, and the logo sits inside with one module of background around it.
 *
 * <p>The rule: the zone's side is the largest odd number of modules (odd, so that it is centred on the module grid of
 * a symbol whose side is always odd) such that
 * <ol>
 *   <li>it covers at most {@value #MAX_AREA_FRACTION} of the symbol's area: half of what level H restores (about
 *       30 % of each block's codewords), since a module square cuts through more codewords than its share of area,
 *       and the rest is left for print damage and glare;</li>
 *   <li>it keeps clear of the {@value #FUNCTION_BAND}-module bands along the edges that hold the finder patterns,
 *       their separators, the timing patterns' ends and the format information, so that none of those is ever
 *       covered.</li>
 * </ol>
 * A zone smaller than {@value #MIN_SIDE} modules leaves too little room for a logo; the symbol then goes up a
 * version until one fits.
 *
 * @param first the first covered row and column, in modules
 * @param side the number of covered rows and columns
 */
record LogoZone(int first, int side) {

    /** The largest share of the symbol's area a zone may cover. */
    static final double MAX_AREA_FRACTION = 0.15;

    /** Rows and columns along each edge that a zone never covers: finder (7), separator (1), format information (1). */
    static final int FUNCTION_BAND = 9;

    /** The smallest zone worth a logo: 5 modules of logo inside a module of padding. */
    static final int MIN_SIDE = 7;

    /**
     * The zone of a symbol {@code size} modules wide, or empty when the symbol is too small for one.
     *
     * @param maxAreaFraction the largest share of the area to cover; {@link #MAX_AREA_FRACTION} except in tests
     */
    static Optional<LogoZone> of(int size, double maxAreaFraction) {
        int side = Math.min((int) Math.floor(Math.sqrt(maxAreaFraction) * size), size - 2 * FUNCTION_BAND);
        if (side % 2 == 0) {
            side--;
        }
        if (side < MIN_SIDE) {
            return Optional.empty();
        }
        return Optional.of(new LogoZone((size - side) / 2, side));
    }

    /** Whether the module at {@code (x, y)} lies in the zone. */
    boolean contains(int x, int y) {
        return x >= first && y >= first && x < first + side && y < first + side;
    }

    /** The share of a symbol of {@code size} modules that the zone covers. */
    double areaFraction(int size) {
        return (double) side * side / ((double) size * size);
    }
}
