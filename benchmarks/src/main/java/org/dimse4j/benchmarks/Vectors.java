package org.dimse4j.benchmarks;

import org.agrona.BitUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * Spec byte vectors (shared/spec/vectors.md) and off-heap buffers for the benchmarks' set-up (not measured).
 */
final class Vectors
{
    /** V3: P-DATA-TF carrying one PDV with a complete C-ECHO-RQ command set (80 bytes). */
    static final String V3_P_DATA_TF_C_ECHO_RQ =
        "04000000004a0000004601030000000004000000380000000000020012000000312e322e3834302e31303030382e312e31" +
        "00000000010200000030000000100102000000010000000008020000000101";

    /** V1: A-ASSOCIATE-RQ proposing Verification (295 bytes). */
    static final String V1_A_ASSOCIATE_RQ =
        "010000000121000100004543484f5343502020202020202020204543484f534355202020202020202020000000000000" +
        "000000000000000000000000000000000000000000000000000010000015312e322e3834302e31303030382e332e312e" +
        "312e31200000450100000030000011312e322e3834302e31303030382e312e3140000011312e322e3834302e31303030" +
        "382e312e3240000013312e322e3834302e31303030382e312e322e315000007751000004000040005200002c322e3235" +
        "2e3132363333393832353234303937313533303337383136333635383732323435353134363037395300000400010001" +
        "540000150011312e322e3834302e31303030382e312e3101015500000b4a44554c5f52515f302e315800000b01000005" +
        "616c6963650000";

    /** CT Image Storage, the Affected SOP Class UID of the C-STORE-RQ used by the command benchmarks. */
    static final String CT_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.2";

    /** A typical 2.25 (UUID-derived) SOP Instance UID. */
    static final String SOP_INSTANCE_UID = "2.25.126339825240971530378163658722455146079";

    private Vectors()
    {
    }

    /**
     * @param hex continuous hex digits.
     * @return the bytes.
     */
    static byte[] bytes(final String hex)
    {
        return java.util.HexFormat.of().parseHex(hex);
    }

    /**
     * @param capacity bytes.
     * @return an {@link UnsafeBuffer} over a new direct {@link ByteBuffer}, zeroed.
     */
    static UnsafeBuffer direct(final int capacity)
    {
        return new UnsafeBuffer(ByteBuffer.allocateDirect(capacity));
    }

    /**
     * @param hex continuous hex digits.
     * @return an {@link UnsafeBuffer} over a direct buffer holding exactly those bytes.
     */
    static UnsafeBuffer directFromHex(final String hex)
    {
        final byte[] bytes = BitUtil.fromHex(hex);
        final UnsafeBuffer buffer = direct(bytes.length);
        buffer.putBytes(0, bytes);
        return buffer;
    }
}
