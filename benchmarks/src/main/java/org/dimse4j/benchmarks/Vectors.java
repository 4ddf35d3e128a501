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

    /** CT Image Storage, the Affected SOP Class UID of the C-STORE-RQ used by the command benchmarks. */
    static final String CT_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.2";

    /** A typical 2.25 (UUID-derived) SOP Instance UID. */
    static final String SOP_INSTANCE_UID = "2.25.126339825240971530378163658722455146079";

    private Vectors()
    {
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
