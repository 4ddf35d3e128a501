package org.dimse4j.testing;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reads whole PDUs from a plain socket's stream, for tests that play a peer byte by byte. */
public final class RawPdu
{
    private RawPdu()
    {
    }

    /**
     * @param in the peer's stream.
     * @return the next PDU, its 6-byte header included; fails the test on a length over 1 MiB.
     * @throws IOException if the stream ends or times out first.
     */
    public static byte[] read(final InputStream in) throws IOException
    {
        final DataInputStream data = new DataInputStream(in);
        final byte[] header = new byte[6];
        data.readFully(header);
        final int length = ((header[2] & 0xFF) << 24) | ((header[3] & 0xFF) << 16) | ((header[4] & 0xFF) << 8) |
            (header[5] & 0xFF);
        assertTrue(length >= 0 && length < 1 << 20, "sane PDU length " + length);
        final byte[] pdu = new byte[6 + length];
        System.arraycopy(header, 0, pdu, 0, 6);
        data.readFully(pdu, 6, length);
        return pdu;
    }
}
