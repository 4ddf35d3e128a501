package org.dimse4j.pdu;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * The eight byte vectors of {@code shared/spec/vectors.md} (V1..V8), verbatim from its first table.
 */
public final class Vectors
{
    /** V1 A-ASSOCIATE-RQ, 295 bytes. */
    public static final String V1_HEX =
        "010000000121000100004543484f5343502020202020202020204543484f534355202020202020202020000000000000" +
        "000000000000000000000000000000000000000000000000000010000015312e322e3834302e31303030382e332e312e" +
        "312e31200000450100000030000011312e322e3834302e31303030382e312e3140000011312e322e3834302e31303030" +
        "382e312e3240000013312e322e3834302e31303030382e312e322e315000007751000004000040005200002c322e3235" +
        "2e3132363333393832353234303937313533303337383136333635383732323435353134363037395300000400010001" +
        "540000150011312e322e3834302e31303030382e312e3101015500000b4a44554c5f52515f302e315800000b01000005" +
        "616c6963650000";

    /** V2 A-ASSOCIATE-AC, 236 bytes. */
    public static final String V2_HEX =
        "0200000000e6000100004543484f5343502020202020202020204543484f534355202020202020202020000000000000" +
        "000000000000000000000000000000000000000000000000000010000015312e322e3834302e31303030382e332e312e" +
        "312e31210000190100000040000011312e322e3834302e31303030382e312e325000006851000004000080005200002c" +
        "322e32352e31363634373835363639333331393630303636373430363836303832363339383637343832303553000004" +
        "00010001540000150011312e322e3834302e31303030382e312e3101005500000b4a44554c5f41435f302e31";

    /** V3 P-DATA-TF_C-ECHO-RQ, 80 bytes. */
    public static final String V3_HEX =
        "04000000004a0000004601030000000004000000380000000000020012000000312e322e3834302e31303030382e312e" +
        "3100000000010200000030000000100102000000010000000008020000000101";

    /** V4 P-DATA-TF_C-ECHO-RSP, 90 bytes. */
    public static final String V4_HEX =
        "0400000000540000005001030000000004000000420000000000020012000000312e322e3834302e31303030382e312e" +
        "310000000001020000003080000020010200000001000000000802000000010100000009020000000000";

    /** V5 A-RELEASE-RQ, 10 bytes. */
    public static final String V5_HEX =
        "05000000000400000000";

    /** V6 A-RELEASE-RP, 10 bytes. */
    public static final String V6_HEX =
        "06000000000400000000";

    /** V7 A-ABORT, 10 bytes. */
    public static final String V7_HEX =
        "07000000000400000202";

    /** V8 A-ASSOCIATE-RJ, 10 bytes. */
    public static final String V8_HEX =
        "03000000000400010107";

    /** Vector names, index 0 = V1. */
    static final String[] NAMES =
    {
        "V1_A-ASSOCIATE-RQ", "V2_A-ASSOCIATE-AC", "V3_P-DATA-TF_C-ECHO-RQ", "V4_P-DATA-TF_C-ECHO-RSP",
        "V5_A-RELEASE-RQ", "V6_A-RELEASE-RP", "V7_A-ABORT", "V8_A-ASSOCIATE-RJ"
    };

    /** Hex strings, index 0 = V1. */
    static final String[] HEX = {V1_HEX, V2_HEX, V3_HEX, V4_HEX, V5_HEX, V6_HEX, V7_HEX, V8_HEX};

    /** Documented total lengths, index 0 = V1. */
    static final int[] LENGTHS = {295, 236, 80, 90, 10, 10, 10, 10};

    private Vectors()
    {
    }

    /**
     * @param index 0 for V1 .. 7 for V8.
     * @return a fresh copy of the vector's bytes.
     */
    static byte[] bytes(final int index)
    {
        return hex(HEX[index]);
    }

    /**
     * @param index 0 for V1 .. 7 for V8.
     * @return a buffer over a fresh copy of the vector's bytes.
     */
    static UnsafeBuffer buffer(final int index)
    {
        return new UnsafeBuffer(bytes(index));
    }

    /**
     * @return all eight vectors back to back, V1 first.
     */
    static byte[] stream()
    {
        int total = 0;
        for (final int length : LENGTHS)
        {
            total += length;
        }
        final byte[] all = new byte[total];
        int at = 0;
        for (int i = 0; i < HEX.length; i++)
        {
            final byte[] one = bytes(i);
            System.arraycopy(one, 0, all, at, one.length);
            at += one.length;
        }
        return all;
    }

    /**
     * @param hex an even number of hex digits.
     * @return the bytes.
     */
    public static byte[] hex(final String hex)
    {
        final byte[] bytes = new byte[hex.length() / 2];
        for (int i = 0; i < bytes.length; i++)
        {
            bytes[i] = (byte)Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        }
        return bytes;
    }

    /**
     * @param bytes any bytes.
     * @return lower-case hex digits.
     */
    static String toHex(final byte[] bytes)
    {
        final StringBuilder sb = new StringBuilder(bytes.length * 2);
        for (final byte b : bytes)
        {
            sb.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
        }
        return sb.toString();
    }
}
