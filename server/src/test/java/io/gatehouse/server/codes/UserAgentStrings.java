package io.gatehouse.server.codes;

/** Real user agents of the browsers and crawler that scan codes in the tests. */
final class UserAgentStrings {
    static final String IPHONE_SAFARI = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15"
            + " (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
    static final String ANDROID_CHROME = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like"
            + " Gecko) Chrome/124.0.6367.82 Mobile Safari/537.36";
    static final String DESKTOP_FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:126.0) Gecko/20100101"
            + " Firefox/126.0";
    static final String GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
    static final String IPAD_SAFARI = "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML,"
            + " like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";

    private UserAgentStrings() {
    }
}
