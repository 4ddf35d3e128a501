package org.dimse4j.data;

import static java.nio.ByteOrder.BIG_ENDIAN;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.agrona.DirectBuffer;

/**
 * Re-pointable, allocation-free pull reader over the elements of a DICOM data set lying in a {@link DirectBuffer}
 * (PS3.5 §7): Implicit VR Little Endian, Explicit VR Little Endian and Explicit VR Big Endian.
 * <p>
 * The reader walks one nesting level at a time. {@link #next()} moves to the next element of the current data set
 * or item; an element of undefined length that the caller does not enter is skipped by the following
 * {@code next()}, which finds its matching delimiter while tracking nesting. Sequences and encapsulated pixel data
 * are walked with {@link #enterSequence()}, {@link #nextItem()} and {@link #exitSequence()}:
 * <pre>{@code
 * reader.wrap(buffer, offset, length, DataSetReader.encodingOf(tsUid));
 * while (reader.next())
 * {
 *     if (reader.vr() == ValueRepresentation.SQ)
 *     {
 *         reader.enterSequence();
 *         while (reader.nextItem())      // enters the item: next() now walks its elements
 *         {
 *             while (reader.next()) { ... }
 *         }
 *         reader.exitSequence();         // back to the level of the SQ element; may be called early
 *     }
 * }
 * }</pre>
 * An item, a sequence delimiter and an item delimiter look like this in every transfer syntax (the tag and length
 * in the transfer syntax's byte order):
 * <pre>
 *  0       2       4                8
 *  +-------+-------+----------------+--------------------------------
 *  | FFFE  | E000  | length or -1   | item: a nested data set (or a pixel data fragment)
 *  | FFFE  | E00D  | 0              | item delimiter: ends an item of undefined length
 *  | FFFE  | E0DD  | 0              | sequence delimiter: ends a sequence or pixel data of undefined length
 *  +-------+-------+----------------+
 * </pre>
 * Encapsulated pixel data (undefined-length OB or OW (7FE0,0010)) is entered the same way; there
 * {@link #nextItem()} moves from fragment to fragment (the first is the Basic Offset Table) without entering
 * them, and {@link #valueOffset()} / {@link #valueLength()} give the fragment's bytes.
 * <p>
 * Checks: every header and declared length is checked against the bytes present before anything is read; the
 * undefined length 0xFFFFFFFF is accepted only for SQ, UN, OB/OW pixel data and items (not for pixel data
 * fragments); delimiters must carry length 0 and appear only where they end something; explicit VR bytes must
 * name a known VR; nesting is limited to {@link #MAX_DEPTH} levels. Bad input throws {@link DataSetException} with
 * the tag and the offset (relative to the start of the wrapped data set); after that the reader must be wrapped
 * again. Calling a method at the wrong level (e.g. {@code nextItem()} outside a sequence) is a programming error
 * and throws {@link IllegalStateException}.
 * <p>
 * Implicit VR: the VR is not on the wire. {@link #vr()} then comes from a small built-in table of common tags
 * (group lengths are UL, private creators LO) and is {@link ValueRepresentation#UN} otherwise. An implicit element
 * of undefined length must be UN (unknown tag: it is then a sequence), SQ or pixel data; any UN element can be
 * entered. The contents of a UN
 * element are read as Implicit VR Little Endian (PS3.5 §6.2.2).
 * <p>
 * Nothing allocates except {@link #string()} and exceptions. Not thread-safe.
 */
public final class DataSetReader
{
    /** Implicit VR Little Endian. */
    public static final int IMPLICIT_LITTLE = 0;
    /** Explicit VR Little Endian (and every encapsulated transfer syntax). */
    public static final int EXPLICIT_LITTLE = 1;
    /** Explicit VR Big Endian (retired). */
    public static final int EXPLICIT_BIG = 2;
    /** Deflated Explicit VR Little Endian: stored as received, never parsed; {@link #wrap} refuses it. */
    public static final int DEFLATED = 3;

    /** {@link #valueLength()} of an element or item of undefined length (0xFFFFFFFF on the wire). */
    public static final int UNDEFINED_LENGTH = -1;
    /** Deepest nesting accepted: each sequence and each item is one level, the data set itself is level 0. */
    public static final int MAX_DEPTH = 64;

    /** Item tag (FFFE,E000). */
    public static final int ITEM = 0xFFFEE000;
    /** Item Delimitation Item tag (FFFE,E00D). */
    public static final int ITEM_DELIMITATION = 0xFFFEE00D;
    /** Sequence Delimitation Item tag (FFFE,E0DD). */
    public static final int SEQUENCE_DELIMITATION = 0xFFFEE0DD;
    /** Pixel Data (7FE0,0010), the one OB/OW element that may have undefined length (encapsulated). */
    public static final int PIXEL_DATA = 0x7FE00010;

    private static final String DEFLATED_UID = "1.2.840.10008.1.2.1.99";
    private static final String JPIP_DEFLATE_UID = "1.2.840.10008.1.2.4.95";

    private static final int DATA_SET = 0;
    private static final int IN_ITEM = 1;
    private static final int SEQUENCE = 2;
    private static final int FRAGMENTS = 3;
    private static final int ITEM_HEADER_LENGTH = 8;

    /** Sorted tags of the implicit VR table and their VRs; group lengths and private creators are computed. */
    private static final int[] IMPLICIT_TAGS;
    private static final int[] IMPLICIT_VRS;

    static
    {
        final int[][] table =
        {
            {0x00080005, ValueRepresentation.CS}, {0x00080008, ValueRepresentation.CS},
            {0x00080012, ValueRepresentation.DA}, {0x00080013, ValueRepresentation.TM},
            {0x00080016, ValueRepresentation.UI}, {0x00080018, ValueRepresentation.UI},
            {0x00080020, ValueRepresentation.DA}, {0x00080021, ValueRepresentation.DA},
            {0x00080022, ValueRepresentation.DA}, {0x00080023, ValueRepresentation.DA},
            {0x00080030, ValueRepresentation.TM}, {0x00080031, ValueRepresentation.TM},
            {0x00080032, ValueRepresentation.TM}, {0x00080033, ValueRepresentation.TM},
            {0x00080050, ValueRepresentation.SH}, {0x00080052, ValueRepresentation.CS},
            {0x00080054, ValueRepresentation.AE}, {0x00080056, ValueRepresentation.CS},
            {0x00080060, ValueRepresentation.CS}, {0x00080061, ValueRepresentation.CS},
            {0x00080070, ValueRepresentation.LO}, {0x00080080, ValueRepresentation.LO},
            {0x00080090, ValueRepresentation.PN}, {0x00080100, ValueRepresentation.SH},
            {0x00080102, ValueRepresentation.SH}, {0x00080104, ValueRepresentation.LO},
            {0x00081030, ValueRepresentation.LO}, {0x0008103E, ValueRepresentation.LO},
            {0x00081110, ValueRepresentation.SQ}, {0x00081111, ValueRepresentation.SQ},
            {0x00081115, ValueRepresentation.SQ}, {0x00081140, ValueRepresentation.SQ},
            {0x00081150, ValueRepresentation.UI}, {0x00081155, ValueRepresentation.UI},
            {0x00081199, ValueRepresentation.SQ}, {0x00082112, ValueRepresentation.SQ},
            {0x00100010, ValueRepresentation.PN}, {0x00100020, ValueRepresentation.LO},
            {0x00100030, ValueRepresentation.DA}, {0x00100040, ValueRepresentation.CS},
            {0x00180015, ValueRepresentation.CS}, {0x00180050, ValueRepresentation.DS},
            {0x0020000D, ValueRepresentation.UI}, {0x0020000E, ValueRepresentation.UI},
            {0x00200010, ValueRepresentation.SH}, {0x00200011, ValueRepresentation.IS},
            {0x00200013, ValueRepresentation.IS}, {0x00200032, ValueRepresentation.DS},
            {0x00200037, ValueRepresentation.DS}, {0x00200052, ValueRepresentation.UI},
            {0x00201041, ValueRepresentation.DS}, {0x00280002, ValueRepresentation.US},
            {0x00280004, ValueRepresentation.CS}, {0x00280006, ValueRepresentation.US},
            {0x00280008, ValueRepresentation.IS}, {0x00280010, ValueRepresentation.US},
            {0x00280011, ValueRepresentation.US}, {0x00280030, ValueRepresentation.DS},
            {0x00280100, ValueRepresentation.US}, {0x00280101, ValueRepresentation.US},
            {0x00280102, ValueRepresentation.US}, {0x00280103, ValueRepresentation.US},
            {0x00281050, ValueRepresentation.DS}, {0x00281051, ValueRepresentation.DS},
            {0x00281052, ValueRepresentation.DS}, {0x00281053, ValueRepresentation.DS},
            {0x00283000, ValueRepresentation.SQ}, {0x00283010, ValueRepresentation.SQ},
            {0x00400100, ValueRepresentation.SQ}, {0x00400275, ValueRepresentation.SQ},
            {0x0040A043, ValueRepresentation.SQ}, {0x0040A168, ValueRepresentation.SQ},
            {0x0040A730, ValueRepresentation.SQ}, {0x00540016, ValueRepresentation.SQ},
            {0x7FE00010, ValueRepresentation.OW},
        };
        IMPLICIT_TAGS = new int[table.length];
        IMPLICIT_VRS = new int[table.length];
        for (int i = 0; i < table.length; i++)
        {
            IMPLICIT_TAGS[i] = table[i][0];
            IMPLICIT_VRS[i] = table[i][1];
            if (i > 0 && IMPLICIT_TAGS[i] <= IMPLICIT_TAGS[i - 1])
            {
                throw new IllegalStateException("implicit VR table not sorted at " + i);
            }
        }
    }

    private final int[] kinds = new int[MAX_DEPTH + 1];
    private final int[] ends = new int[MAX_DEPTH + 1];
    private final int[] positions = new int[MAX_DEPTH + 1];
    private final boolean[] undefineds = new boolean[MAX_DEPTH + 1];
    private final boolean[] endeds = new boolean[MAX_DEPTH + 1];
    private final boolean[] explicits = new boolean[MAX_DEPTH + 1];
    private final ByteOrder[] orders = new ByteOrder[MAX_DEPTH + 1];

    private DirectBuffer buffer;
    private int start;
    private int depth;

    private boolean current;
    private boolean pending;
    private int tag;
    private int vr;
    private int elementOffset;
    private int headerLength;
    private int valueOffset;
    private int valueLength;
    private ByteOrder elementOrder = LITTLE_ENDIAN;

    /**
     * Maps a transfer syntax UID to the encoding of its data sets. Allocation-free; trailing NUL or space padding
     * is ignored.
     *
     * @param transferSyntaxUid the UID, e.g. from (0002,0010).
     * @return {@link #IMPLICIT_LITTLE} for 1.2.840.10008.1.2, {@link #EXPLICIT_BIG} for 1.2.840.10008.1.2.2,
     *         {@link #DEFLATED} for 1.2.840.10008.1.2.1.99 and 1.2.840.10008.1.2.4.95, and
     *         {@link #EXPLICIT_LITTLE} for every other UID (all other transfer syntaxes, including the compressed
     *         ones, encode their data sets in Explicit VR Little Endian).
     * @throws DataSetException if the UID is empty.
     */
    public static int encodingOf(final CharSequence transferSyntaxUid)
    {
        int length = transferSyntaxUid.length();
        while (length > 0 && (transferSyntaxUid.charAt(length - 1) == 0 || transferSyntaxUid.charAt(length - 1) == ' '))
        {
            length--;
        }
        if (length == 0)
        {
            throw new DataSetException("Transfer syntax UID is empty");
        }
        if (sameUid(transferSyntaxUid, length, TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN))
        {
            return IMPLICIT_LITTLE;
        }
        if (sameUid(transferSyntaxUid, length, TransferSyntax.EXPLICIT_VR_BIG_ENDIAN))
        {
            return EXPLICIT_BIG;
        }
        if (sameUid(transferSyntaxUid, length, DEFLATED_UID) || sameUid(transferSyntaxUid, length, JPIP_DEFLATE_UID))
        {
            return DEFLATED;
        }
        return EXPLICIT_LITTLE;
    }

    private static boolean sameUid(final CharSequence value, final int length, final String uid)
    {
        if (length != uid.length())
        {
            return false;
        }
        for (int i = 0; i < length; i++)
        {
            if (value.charAt(i) != uid.charAt(i))
            {
                return false;
            }
        }
        return true;
    }

    /**
     * Points this reader at a data set (no preamble, no File Meta Information) and positions it before the first
     * element.
     *
     * @param buffer   the bytes.
     * @param offset   where the data set starts.
     * @param length   how many bytes it has.
     * @param encoding {@link #IMPLICIT_LITTLE}, {@link #EXPLICIT_LITTLE} or {@link #EXPLICIT_BIG}.
     * @return this.
     * @throws DataSetException         if {@code encoding} is {@link #DEFLATED}, or the range is not in the buffer.
     * @throws IllegalArgumentException if {@code encoding} is not one of the constants.
     */
    public DataSetReader wrap(final DirectBuffer buffer, final int offset, final int length, final int encoding)
    {
        if (encoding == DEFLATED)
        {
            throw new DataSetException("Deflated Explicit VR Little Endian data sets are stored as received, not " +
                "parsed: inflate the bytes and read them as EXPLICIT_LITTLE");
        }
        if (encoding < IMPLICIT_LITTLE || encoding > EXPLICIT_BIG)
        {
            throw new IllegalArgumentException("Unknown encoding " + encoding);
        }
        if (offset < 0 || length < 0 || offset > buffer.capacity() - length)
        {
            throw new DataSetException("Data set at offset " + offset + " with length " + length +
                " does not lie within a buffer of " + buffer.capacity() + " bytes");
        }
        if (buffer != this.buffer)
        {
            this.buffer = buffer;
        }
        start = offset;
        depth = 0;
        kinds[0] = DATA_SET;
        ends[0] = offset + length;
        positions[0] = offset;
        undefineds[0] = false;
        endeds[0] = false;
        explicits[0] = encoding != IMPLICIT_LITTLE;
        orders[0] = encoding == EXPLICIT_BIG ? BIG_ENDIAN : LITTLE_ENDIAN;
        current = false;
        pending = false;
        tag = 0;
        vr = ValueRepresentation.NONE;
        return this;
    }

    /**
     * Moves to the next element of the current data set or item. An undefined-length element the caller did not
     * enter is skipped first.
     *
     * @return false at the end of the data set or item (after its delimiter, for an item of undefined length).
     * @throws DataSetException      if the element is malformed, or an item of undefined length has no delimiter.
     * @throws IllegalStateException at a sequence level: use {@link #nextItem()}.
     */
    public boolean next()
    {
        final int kind = kinds[depth];
        if (kind == SEQUENCE || kind == FRAGMENTS)
        {
            throw new IllegalStateException("At a sequence: call nextItem() or exitSequence(), not next()");
        }
        if (pending)
        {
            skip();
        }
        current = false;
        if (endeds[depth])
        {
            return false;
        }
        final int p = positions[depth];
        final int end = ends[depth];
        if (p == end)
        {
            if (undefineds[depth])
            {
                throw new DataSetException(ITEM_DELIMITATION, p - start,
                    "item of undefined length is not terminated: the data ends before its delimiter");
            }
            endeds[depth] = true;
            return false;
        }
        final ByteOrder order = orders[depth];
        if (end - p < 8)
        {
            throw new DataSetException(end - p >= 4 ? readTag(p, order) : DataSetException.UNKNOWN, p - start,
                "element header truncated: 8 bytes needed, " + (end - p) + " left");
        }
        final int t = readTag(p, order);
        if (t >>> 16 == 0xFFFE)
        {
            if (t == ITEM_DELIMITATION && kind == IN_ITEM && undefineds[depth])
            {
                checkZeroLength(t, p, order);
                positions[depth] = p + ITEM_HEADER_LENGTH;
                endeds[depth] = true;
                return false;
            }
            throw new DataSetException(t, p - start, "item or delimiter tag out of place in " +
                (kind == DATA_SET && depth == 0 ? "the data set" : "an item"));
        }
        final int v;
        final int h;
        final int rawLength;
        if (explicits[depth])
        {
            v = (buffer.getByte(p + 4) & 0xFF) << 8 | (buffer.getByte(p + 5) & 0xFF);
            if (!ValueRepresentation.isKnown(v))
            {
                throw new DataSetException(t, p - start, "unknown VR bytes 0x" + Integer.toHexString(v));
            }
            if (ValueRepresentation.hasLongHeader(v))
            {
                if (end - p < 12)
                {
                    throw new DataSetException(t, p - start, "element header truncated: 12 bytes needed for VR " +
                        ValueRepresentation.name(v) + ", " + (end - p) + " left");
                }
                h = 12;
                rawLength = buffer.getInt(p + 8, order);
            }
            else
            {
                h = 8;
                rawLength = buffer.getShort(p + 6, order) & 0xFFFF;
            }
        }
        else
        {
            v = implicitVr(t);
            h = 8;
            rawLength = buffer.getInt(p + 4, order);
        }
        final int vo = p + h;
        if (rawLength == UNDEFINED_LENGTH)
        {
            final boolean allowed = v == ValueRepresentation.SQ || v == ValueRepresentation.UN ||
                (t == PIXEL_DATA && (v == ValueRepresentation.OB || v == ValueRepresentation.OW));
            if (!allowed)
            {
                throw new DataSetException(t, p - start, "undefined length 0xFFFFFFFF is not allowed for VR " +
                    ValueRepresentation.name(v));
            }
            positions[depth] = vo;
            pending = true;
        }
        else
        {
            if ((rawLength & 0xFFFF_FFFFL) > end - vo)
            {
                throw new DataSetException(t, p - start, "value length " + (rawLength & 0xFFFF_FFFFL) +
                    " exceeds the " + (end - vo) + " bytes left");
            }
            positions[depth] = vo + rawLength;
            pending = false;
        }
        current = true;
        tag = t;
        vr = v;
        elementOffset = p;
        headerLength = h;
        valueOffset = vo;
        valueLength = rawLength;
        elementOrder = order;
        return true;
    }

    /**
     * Enters the current element: a sequence (SQ), a UN element (read as an Implicit VR Little Endian sequence),
     * an implicit VR element of undefined length, or encapsulated pixel data. Then call {@link #nextItem()}.
     *
     * @throws IllegalStateException if there is no current element or it cannot hold items.
     * @throws DataSetException      if the nesting would exceed {@link #MAX_DEPTH}.
     */
    public void enterSequence()
    {
        if (!current || kinds[depth] == SEQUENCE || kinds[depth] == FRAGMENTS)
        {
            throw new IllegalStateException("No element to enter: call next() first");
        }
        final boolean fragments = tag == PIXEL_DATA && valueLength == UNDEFINED_LENGTH &&
            (vr == ValueRepresentation.OB || vr == ValueRepresentation.OW);
        final boolean sequence = vr == ValueRepresentation.SQ || vr == ValueRepresentation.UN;
        if (!fragments && !sequence)
        {
            throw new IllegalStateException(DataSetException.tagString(tag) + " with VR " +
                ValueRepresentation.name(vr) + " is not a sequence");
        }
        if (depth == MAX_DEPTH)
        {
            throw new DataSetException(tag, elementOffset - start, "nesting deeper than " + MAX_DEPTH + " levels");
        }
        final int parent = depth;
        final int d = parent + 1;
        final boolean undefined = valueLength == UNDEFINED_LENGTH;
        kinds[d] = fragments ? FRAGMENTS : SEQUENCE;
        undefineds[d] = undefined;
        endeds[d] = false;
        ends[d] = undefined ? ends[parent] : valueOffset + valueLength;
        positions[d] = valueOffset;
        if (vr == ValueRepresentation.UN)
        {
            explicits[d] = false;
            orders[d] = LITTLE_ENDIAN;
        }
        else
        {
            explicits[d] = explicits[parent];
            orders[d] = orders[parent];
        }
        depth = d;
        pending = false;
        current = false;
    }

    /**
     * Moves to the next item of the sequence entered with {@link #enterSequence()}, leaving the current item first
     * if the caller is in one (its remaining elements are skipped). In a sequence the item is entered:
     * {@link #next()} then walks its elements. In encapsulated pixel data the item is a fragment, exposed by
     * {@link #valueOffset()} and {@link #valueLength()}.
     *
     * @return false after the last item (the sequence delimiter, or the end of a sequence of defined length).
     * @throws DataSetException      if the item is malformed or the sequence is not terminated.
     * @throws IllegalStateException if not in a sequence.
     */
    public boolean nextItem()
    {
        if (kinds[depth] == IN_ITEM && depth > 0)
        {
            leaveItem();
        }
        final int kind = kinds[depth];
        if (kind != SEQUENCE && kind != FRAGMENTS)
        {
            throw new IllegalStateException("Not in a sequence: call enterSequence() first");
        }
        current = false;
        if (endeds[depth])
        {
            return false;
        }
        final int p = positions[depth];
        final int end = ends[depth];
        if (p == end)
        {
            if (undefineds[depth])
            {
                throw new DataSetException(SEQUENCE_DELIMITATION, p - start,
                    "sequence of undefined length is not terminated: the data ends before its delimiter");
            }
            endeds[depth] = true;
            return false;
        }
        final ByteOrder order = orders[depth];
        if (end - p < ITEM_HEADER_LENGTH)
        {
            throw new DataSetException(DataSetException.UNKNOWN, p - start,
                "item header truncated: 8 bytes needed, " + (end - p) + " left");
        }
        final int t = readTag(p, order);
        if (t == SEQUENCE_DELIMITATION && undefineds[depth])
        {
            checkZeroLength(t, p, order);
            positions[depth] = p + ITEM_HEADER_LENGTH;
            endeds[depth] = true;
            return false;
        }
        if (t != ITEM)
        {
            throw new DataSetException(t, p - start, "expected an item (FFFE,E000) in " +
                (kind == FRAGMENTS ? "encapsulated pixel data" : "a sequence"));
        }
        final int rawLength = buffer.getInt(p + 4, order);
        final int vo = p + ITEM_HEADER_LENGTH;
        if (rawLength == UNDEFINED_LENGTH)
        {
            if (kind == FRAGMENTS)
            {
                throw new DataSetException(t, p - start, "pixel data fragment of undefined length");
            }
        }
        else if ((rawLength & 0xFFFF_FFFFL) > end - vo)
        {
            throw new DataSetException(t, p - start, "item length " + (rawLength & 0xFFFF_FFFFL) +
                " exceeds the " + (end - vo) + " bytes left");
        }
        current = true;
        pending = false;
        tag = t;
        vr = ValueRepresentation.NONE;
        elementOffset = p;
        headerLength = ITEM_HEADER_LENGTH;
        valueOffset = vo;
        valueLength = rawLength;
        elementOrder = order;
        if (rawLength != UNDEFINED_LENGTH)
        {
            positions[depth] = vo + rawLength;
        }
        if (kind == SEQUENCE)
        {
            if (depth == MAX_DEPTH)
            {
                throw new DataSetException(t, p - start, "nesting deeper than " + MAX_DEPTH + " levels");
            }
            final int d = depth + 1;
            kinds[d] = IN_ITEM;
            undefineds[d] = rawLength == UNDEFINED_LENGTH;
            endeds[d] = false;
            ends[d] = rawLength == UNDEFINED_LENGTH ? end : vo + rawLength;
            positions[d] = vo;
            explicits[d] = explicits[depth];
            orders[d] = order;
            depth = d;
        }
        return true;
    }

    /**
     * Leaves the sequence entered with {@link #enterSequence()}, skipping the items not walked yet, and returns to
     * the level of the sequence element; {@link #next()} then continues after it.
     *
     * @throws DataSetException      if the rest of the sequence is malformed or not terminated.
     * @throws IllegalStateException if not in a sequence.
     */
    public void exitSequence()
    {
        if (kinds[depth] == IN_ITEM && depth > 0)
        {
            leaveItem();
        }
        final int kind = kinds[depth];
        if (kind != SEQUENCE && kind != FRAGMENTS)
        {
            throw new IllegalStateException("Not in a sequence: nothing to exit");
        }
        if (undefineds[depth])
        {
            while (nextItem())
            {
                if (kinds[depth] == IN_ITEM)
                {
                    leaveItem();
                }
            }
        }
        pop();
    }

    /**
     * Skips the current element as a whole. An element of defined length is already behind the read position, so
     * this is needed only to pass an undefined-length element without waiting for the next {@link #next()}; it
     * scans to the matching sequence delimiter, tracking nested sequences and items. Does nothing when there is no
     * element to skip.
     *
     * @throws DataSetException if the element's contents are malformed or not terminated.
     */
    public void skip()
    {
        if (pending)
        {
            enterSequence();
            exitSequence();
        }
    }

    private void leaveItem()
    {
        if (undefineds[depth])
        {
            while (next())
            {
                // next() skips undefined-length elements itself
            }
        }
        pop();
    }

    private void pop()
    {
        final int d = depth;
        if (undefineds[d])
        {
            positions[d - 1] = positions[d];
        }
        depth = d - 1;
        pending = false;
        current = false;
    }

    /**
     * @return the nesting level: 0 in the data set, 1 in a sequence, 2 in an item of that sequence, and so on.
     */
    public int depth()
    {
        return depth;
    }

    /**
     * @return the current element's tag, group in the upper 16 bits; {@link #ITEM} for an item or fragment.
     */
    public int tag()
    {
        return tag;
    }

    /**
     * @return the current element's VR as packed by {@link ValueRepresentation}; {@link ValueRepresentation#NONE}
     *         for an item; for Implicit VR from the built-in table or {@link ValueRepresentation#UN}.
     */
    public int vr()
    {
        return vr;
    }

    /**
     * @return where the current element's header starts in the buffer.
     */
    public int elementOffset()
    {
        return elementOffset;
    }

    /**
     * @return the header length of the current element: 8 or 12 (explicit VR with a 32-bit length).
     */
    public int headerLength()
    {
        return headerLength;
    }

    /**
     * @return where the current element's value starts in the buffer.
     */
    public int valueOffset()
    {
        return valueOffset;
    }

    /**
     * @return the current element's value length, or {@link #UNDEFINED_LENGTH}.
     */
    public int valueLength()
    {
        return valueLength;
    }

    /**
     * @return the byte order of the current element's value.
     */
    public ByteOrder byteOrder()
    {
        return elementOrder;
    }

    /**
     * @return the buffer last wrapped.
     */
    public DirectBuffer buffer()
    {
        return buffer;
    }

    /**
     * @return the first value of the current element read as an unsigned 16-bit integer (US).
     * @throws DataSetException if the value is shorter than 2 bytes.
     */
    public int us()
    {
        requireValue(2, "US");
        return buffer.getShort(valueOffset, elementOrder) & 0xFFFF;
    }

    /**
     * @return the first value of the current element read as an unsigned 32-bit integer (UL).
     * @throws DataSetException if the value is shorter than 4 bytes.
     */
    public long ul()
    {
        requireValue(4, "UL");
        return buffer.getInt(valueOffset, elementOrder) & 0xFFFF_FFFFL;
    }

    /**
     * The current element's value as text: bytes read as ISO-8859-1 (the default repertoire; Specific Character
     * Set is not applied), leading spaces and trailing spaces and NULs removed. Allocates.
     *
     * @return the trimmed value; empty for an empty value.
     * @throws DataSetException if the current element has undefined length.
     */
    public String string()
    {
        requireValue(0, "string");
        final int from = trimStart();
        final int to = trimEnd(from);
        final byte[] bytes = new byte[to - from];
        buffer.getBytes(from, bytes);
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    /**
     * Compares the trimmed value (as {@link #string()} would return it) with {@code expected} without allocating.
     *
     * @param expected the text to compare with.
     * @return true when they are equal character for character.
     * @throws DataSetException if the current element has undefined length.
     */
    public boolean stringEquals(final CharSequence expected)
    {
        requireValue(0, "string");
        final int from = trimStart();
        final int to = trimEnd(from);
        final int length = to - from;
        if (length != expected.length())
        {
            return false;
        }
        for (int i = 0; i < length; i++)
        {
            if ((buffer.getByte(from + i) & 0xFF) != expected.charAt(i))
            {
                return false;
            }
        }
        return true;
    }

    private int trimStart()
    {
        final int end = valueOffset + valueLength;
        int from = valueOffset;
        while (from < end && buffer.getByte(from) == ' ')
        {
            from++;
        }
        return from;
    }

    private int trimEnd(final int from)
    {
        int to = valueOffset + valueLength;
        while (to > from && (buffer.getByte(to - 1) == ' ' || buffer.getByte(to - 1) == 0))
        {
            to--;
        }
        return to;
    }

    private void requireValue(final int size, final String what)
    {
        if (!current)
        {
            throw new IllegalStateException("No current element: call next() first");
        }
        if (valueLength == UNDEFINED_LENGTH || valueLength < size)
        {
            throw new DataSetException(tag, elementOffset - start, "value of length " + valueLength +
                " cannot be read as " + what);
        }
    }

    private void checkZeroLength(final int t, final int p, final ByteOrder order)
    {
        final int length = buffer.getInt(p + 4, order);
        if (length != 0)
        {
            throw new DataSetException(t, p - start, "delimiter has length " + (length & 0xFFFF_FFFFL) +
                ", not 0");
        }
    }

    private int readTag(final int p, final ByteOrder order)
    {
        return (buffer.getShort(p, order) & 0xFFFF) << 16 | (buffer.getShort(p + 2, order) & 0xFFFF);
    }

    /**
     * @param tag a tag.
     * @return its VR from the built-in Implicit VR table: UL for group lengths, LO for private creators, the VR of
     *         a few common tags, {@link ValueRepresentation#UN} otherwise.
     */
    static int implicitVr(final int tag)
    {
        final int element = tag & 0xFFFF;
        if (element == 0)
        {
            return ValueRepresentation.UL;
        }
        if ((tag & 0x0001_0000) != 0 && element >= 0x0010 && element <= 0x00FF)
        {
            return ValueRepresentation.LO;
        }
        final int index = Arrays.binarySearch(IMPLICIT_TAGS, tag);
        return index >= 0 ? IMPLICIT_VRS[index] : ValueRepresentation.UN;
    }
}
