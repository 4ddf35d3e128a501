package org.dimse4j.data;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Builds data set bytes by hand for tests, in any of the three encodings, including what DCMTK's dump2dcm will not
 * write: sequences of defined length with items of undefined length and the reverse, and bad lengths.
 */
final class DataSetBytes
{
    private final int encoding;

    DataSetBytes(final int encoding)
    {
        this.encoding = encoding;
    }

    private ByteOrder order()
    {
        return encoding == DataSetReader.EXPLICIT_BIG ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
    }

    byte[] element(final int tag, final String vr, final byte[] value)
    {
        return header(tag, vr, value.length, value);
    }

    byte[] header(final int tag, final String vr, final int length, final byte[] value)
    {
        final int v = ValueRepresentation.code(vr.charAt(0), vr.charAt(1));
        final boolean explicit = encoding != DataSetReader.IMPLICIT_LITTLE;
        final int headerLength = !explicit ? 8 : ValueRepresentation.hasLongHeader(v) ? 12 : 8;
        final ByteBuffer b = ByteBuffer.allocate(headerLength + value.length).order(order());
        b.putShort((short)(tag >>> 16)).putShort((short)tag);
        if (!explicit)
        {
            b.putInt(length);
        }
        else
        {
            b.put((byte)vr.charAt(0)).put((byte)vr.charAt(1));
            if (headerLength == 12)
            {
                b.putShort((short)0).putInt(length);
            }
            else
            {
                b.putShort((short)length);
            }
        }
        b.put(value);
        return b.array();
    }

    byte[] text(final int tag, final String vr, final String value)
    {
        final byte pad = "UI".equals(vr) ? 0 : (byte)' ';
        final byte[] raw = value.getBytes(StandardCharsets.ISO_8859_1);
        final byte[] padded = new byte[raw.length + (raw.length & 1)];
        System.arraycopy(raw, 0, padded, 0, raw.length);
        if (padded.length != raw.length)
        {
            padded[raw.length] = pad;
        }
        return element(tag, vr, padded);
    }

    byte[] us(final int tag, final int value)
    {
        return element(tag, "US", ByteBuffer.allocate(2).order(order()).putShort((short)value).array());
    }

    byte[] marker(final int tag, final int length)
    {
        return ByteBuffer.allocate(8).order(order()).putShort((short)(tag >>> 16)).putShort((short)tag)
            .putInt(length).array();
    }

    byte[] item(final boolean undefined, final byte[]... elements)
    {
        final byte[] content = concat(elements);
        return undefined ?
            concat(marker(DataSetReader.ITEM, -1), content, marker(DataSetReader.ITEM_DELIMITATION, 0)) :
            concat(marker(DataSetReader.ITEM, content.length), content);
    }

    byte[] sequence(final int tag, final boolean undefined, final byte[]... items)
    {
        final byte[] content = concat(items);
        return undefined ?
            concat(header(tag, "SQ", -1, content), marker(DataSetReader.SEQUENCE_DELIMITATION, 0)) :
            header(tag, "SQ", content.length, content);
    }

    byte[] fragments(final byte[]... fragments)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (final byte[] f : fragments)
        {
            out.writeBytes(marker(DataSetReader.ITEM, f.length));
            out.writeBytes(f);
        }
        return concat(header(DataSetReader.PIXEL_DATA, "OB", -1, out.toByteArray()),
            marker(DataSetReader.SEQUENCE_DELIMITATION, 0));
    }

    static byte[] concat(final byte[]... parts)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (final byte[] p : parts)
        {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** A data set with mixed-length sequences, nesting, a private block and encapsulated pixel data. */
    static byte[] sample(final int encoding)
    {
        final DataSetBytes d = new DataSetBytes(encoding);
        final boolean explicit = encoding != DataSetReader.IMPLICIT_LITTLE;
        return concat(
            d.text(0x00080016, "UI", Part10DcmtkTest.SOP_CLASS),
            d.text(0x00080018, "UI", Part10DcmtkTest.SOP_INSTANCE),
            d.text(0x00080060, "CS", "OT"),
            d.sequence(0x00081140, false,
                d.item(true,
                    d.text(0x00081150, "UI", "1.2.840.10008.5.1.4.1.1.2"),
                    d.sequence(0x00081199, true, d.item(false, d.text(0x00081155, "UI", "1.2.3.11")))),
                d.item(false, d.text(0x00081155, "UI", "1.2.3.10"))),
            d.sequence(0x00082112, true,
                d.item(false, d.text(0x00081155, "UI", "1.2.3.12")),
                d.item(true),
                d.item(false)),
            d.text(0x00100010, "PN", "Doe^Jane"),
            d.text(0x00100020, "LO", "PID 7"),
            d.us(0x00280010, 2),
            d.text(0x00290010, "LO", "ACME 1.0"),
            d.text(0x00291001, "LO", "private value"),
            d.us(0x00291002, 7),
            explicit ? d.fragments(new byte[0], new byte[] {1, 2, 3, 4}, new byte[] {5, 6}) :
                d.element(DataSetReader.PIXEL_DATA, "OW", new byte[] {1, 0, 2, 0}));
    }
}
