package org.dimse4j.data;

import java.util.List;

/**
 * Transfer syntax UIDs (PS3.5 §10, PS3.6 Table A-1) and the lists an application entity accepts by default.
 */
public final class TransferSyntax
{
    /** Implicit VR Little Endian: the DICOM default, and the encoding of every command set. */
    public static final String IMPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2";
    /** Explicit VR Little Endian. */
    public static final String EXPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2.1";
    /** Encapsulated Uncompressed Explicit VR Little Endian. */
    public static final String ENCAPSULATED_UNCOMPRESSED_EXPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2.1.98";
    /** Deflated Explicit VR Little Endian. */
    public static final String DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2.1.99";
    /** Explicit VR Big Endian (retired). */
    public static final String EXPLICIT_VR_BIG_ENDIAN = "1.2.840.10008.1.2.2";
    /** JPEG Baseline (Process 1). */
    public static final String JPEG_BASELINE = "1.2.840.10008.1.2.4.50";
    /** JPEG Extended (Process 2 and 4). */
    public static final String JPEG_EXTENDED = "1.2.840.10008.1.2.4.51";
    /** JPEG Lossless, Non-Hierarchical (Process 14). */
    public static final String JPEG_LOSSLESS = "1.2.840.10008.1.2.4.57";
    /** JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14 [Selection Value 1]). */
    public static final String JPEG_LOSSLESS_SV1 = "1.2.840.10008.1.2.4.70";
    /** JPEG-LS Lossless. */
    public static final String JPEG_LS_LOSSLESS = "1.2.840.10008.1.2.4.80";
    /** JPEG-LS Lossy (Near-Lossless). */
    public static final String JPEG_LS_NEAR_LOSSLESS = "1.2.840.10008.1.2.4.81";
    /** JPEG 2000 (Lossless Only). */
    public static final String JPEG_2000_LOSSLESS = "1.2.840.10008.1.2.4.90";
    /** JPEG 2000. */
    public static final String JPEG_2000 = "1.2.840.10008.1.2.4.91";
    /** RLE Lossless. */
    public static final String RLE_LOSSLESS = "1.2.840.10008.1.2.5";

    /** Uncompressed transfer syntaxes, preferred first: what an SCU proposes and an SCP accepts by default. */
    public static final List<String> UNCOMPRESSED = List.of(
        EXPLICIT_VR_LITTLE_ENDIAN, IMPLICIT_VR_LITTLE_ENDIAN, EXPLICIT_VR_BIG_ENDIAN);

    /** Default: Implicit VR Little Endian only, which every implementation supports. */
    public static final List<String> DEFAULT = List.of(IMPLICIT_VR_LITTLE_ENDIAN);

    /** Every transfer syntax we can store as received. */
    public static final List<String> ALL_KNOWN = List.of(
        EXPLICIT_VR_LITTLE_ENDIAN, IMPLICIT_VR_LITTLE_ENDIAN, EXPLICIT_VR_BIG_ENDIAN,
        DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN, ENCAPSULATED_UNCOMPRESSED_EXPLICIT_VR_LITTLE_ENDIAN,
        JPEG_BASELINE, JPEG_EXTENDED, JPEG_LOSSLESS, JPEG_LOSSLESS_SV1, JPEG_LS_LOSSLESS, JPEG_LS_NEAR_LOSSLESS,
        JPEG_2000_LOSSLESS, JPEG_2000, RLE_LOSSLESS);

    private TransferSyntax()
    {
    }
}
