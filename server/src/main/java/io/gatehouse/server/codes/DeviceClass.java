package io.gatehouse.server.codes;

/** What kind of device scanned a code, from its user agent: {@code phone}, {@code tablet}, … */
public record DeviceClass(String deviceType, String osFamily, String browserFamily) {
    public static final String PHONE = "phone";
    public static final String TABLET = "tablet";
    public static final String DESKTOP = "desktop";
    public static final String BOT = "bot";
    public static final String OTHER = "other";
    public static final DeviceClass UNKNOWN = new DeviceClass(OTHER, "Other", "Other");
}
