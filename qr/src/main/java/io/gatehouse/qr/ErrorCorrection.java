package io.gatehouse.qr;

import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;

/**
 * QR error-correction level: the share of codewords that may be damaged and still decode
 * (ISO/IEC 18004 §6.5.1). Higher levels need a larger symbol for the same text.
 */
public enum ErrorCorrection {
    /** About 7 % recoverable. Smallest symbols; fine for screens. */
    L(ErrorCorrectionLevel.L),
    /** About 15 % recoverable. The usual choice for printed codes. */
    M(ErrorCorrectionLevel.M),
    /** About 25 % recoverable. */
    Q(ErrorCorrectionLevel.Q),
    /** About 30 % recoverable. For codes that get scuffed, or carry a logo. */
    H(ErrorCorrectionLevel.H);

    private final ErrorCorrectionLevel zxing;

    ErrorCorrection(ErrorCorrectionLevel zxing) {
        this.zxing = zxing;
    }

    /** Package-private so that ZXing stays an implementation detail of this module's API. */
    ErrorCorrectionLevel toZxing() {
        return zxing;
    }
}
